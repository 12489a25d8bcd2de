"""Many files → tables: discovery of the inputs, the engines (local worker processes or Dask), worker
isolation with time and memory limits, the incremental cache and the manifest of cities and years."""
