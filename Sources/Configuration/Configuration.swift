/// Effective settings of every command: flags > environment > refarch.toml > defaults.
public enum Configuration {}
