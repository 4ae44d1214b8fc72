-- Runs once, when the Postgres volume is first initialised: the prompt store's database with pgvector.
-- (The Prefect server uses the database named by POSTGRES_DB, created by the image itself.)
CREATE DATABASE prompt_store;
\connect prompt_store
CREATE EXTENSION IF NOT EXISTS vector;
