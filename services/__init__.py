"""Pure-Python business logic: no Prefect imports here."""
