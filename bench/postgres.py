"""What every bench script does first: refuse anything but PostgreSQL (SQLite is not measured), set Django up, and
name the database in the printout."""
import os
import sys


def setup_django(script: str, rows: str) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        sys.exit(f"{script}: needs PostgreSQL. Set DATABASE_URL=postgres://user@host:port/dbname (a database you can "
                 f"spare: it is migrated and gets {rows}); SQLite is not measured.")
    import django

    django.setup()


def database_label() -> str:
    from django.db import connection

    settings = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"{settings['NAME']} on {settings['HOST'] or 'local socket'} (PostgreSQL {version})"
