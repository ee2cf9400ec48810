"""Store tests take the shared ``store`` fixture (tests/conftest.py): SQLite, then PostgreSQL."""
