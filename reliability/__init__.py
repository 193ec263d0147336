"""`make reliability`: fault injection against the real service on loopback PostgreSQL.

Each test starts `leadctl` processes on a throwaway database (bench/harness.py), injects one
kind of fault (kill -9, PostgreSQL crash, a hostile network, concurrent conflicting commands),
and checks invariants over every acknowledged operation against the store itself."""
