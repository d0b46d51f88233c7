# The program's memory accesses were recorded, and its spin's repeated atomic loads merged.
.accesses.kept > 0 and .accesses.atomic_loads_merged > 0
