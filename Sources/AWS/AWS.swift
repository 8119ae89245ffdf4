/// AWS service layer: SigV4, credentials, retries and service clients (issue 5 fills this in).
public enum AWS {}
