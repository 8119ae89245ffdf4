/// HTTP on libcurl, shared by the AWS and Pinecone clients (issue 5 fills this in).
public enum HTTP {}
