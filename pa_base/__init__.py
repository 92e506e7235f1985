"""The basics every package of the project imports: errors, where things live under a home, periods,
read access to a warehouse, logging setup and the progress events ingestion emits.

`partner_analytics` (the CLI, the run, the DAG glue) imports `ingestion`, `expectations` and `exports`;
they import only this package, never `partner_analytics`, so no import cycle runs between them
(tests/core/test_import_layers.py). It imports no data library at import time."""
