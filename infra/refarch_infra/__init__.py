"""refarch-tui's AWS stack (stack.py), its settings (settings.py) and the rules it must obey (validators.py)."""
