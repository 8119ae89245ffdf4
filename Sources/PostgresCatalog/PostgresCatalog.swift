import Catalog
import Postgres

/// Schema, migrations and the Postgres product store.
public enum PostgresCatalog {}
