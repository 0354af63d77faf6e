-- Runs once, when the postgres container initialises an empty data volume (docker-entrypoint-initdb.d),
-- as the POSTGRES_USER in the POSTGRES_DB (vesti). Schema, roles and grants are NOT created here: the
-- kysely migrations own them (`vesti db migrate`, the compose `migrate` service).
--
-- pg_stat_statements: per-query timing for operators (which ingest queries are slow?). The library is
-- preloaded by the server's command line in docker-compose.yml; the view is read with
--   SELECT calls, mean_exec_time, query FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 20;
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
