/// The native all-MiniLM-L6-v2 embedder (issue 4 fills this in).
public enum Embeddings {}
