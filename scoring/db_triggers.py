"""PostgreSQL triggers that make a table append-only: UPDATE and DELETE are refused by the database itself.

TRUNCATE stays possible for an operator's maintenance (and the test suite's flush); the application never issues
it, while UPDATE/DELETE, which an application bug or a stolen session could issue, are refused. Used by migrations,
so it must keep working for them: change it only by adding, never by altering what existing migrations call."""


def refuse_changes(table, message):
    """(forwards, backwards) for migrations.RunPython; a no-op on other databases (SQLite in development)."""
    function, trigger = f"{table}_refuse_change", f"{table}_refuse_change_trigger"
    create = f"""
    CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{table} {message}: %% refused', TG_OP;
    END;
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {function}();
    """
    drop = f"DROP TRIGGER IF EXISTS {trigger} ON {table}; DROP FUNCTION IF EXISTS {function}();"
    return _on_postgresql(create), _on_postgresql(drop)


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql.replace("%%", "%"), params=None)

    return run
