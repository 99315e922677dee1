"""PostgreSQL triggers that make a table append-only: UPDATE and DELETE are refused by the database itself.

TRUNCATE is refused too (refuse_truncate), except in a session that says on purpose that it may truncate: an
operator's maintenance, and the test suite's flush between transactional tests. Used by migrations,
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


# Set by the test suite's connections only (tests/conftest.py), whose flush between transactional tests truncates
# every table. An operator who must empty a table on purpose sets it in their own session.
ALLOW_TRUNCATE_SETTING = "parindex.allow_truncate"


def refuse_truncate(table, message):
    """(forwards, backwards): a statement trigger that refuses TRUNCATE, unless the session set
    parindex.allow_truncate = 'on'. UPDATE and DELETE stay refused by refuse_changes whatever the session says."""
    function, trigger = f"{table}_refuse_truncate", f"{table}_refuse_truncate_trigger"
    create = f"""
    CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
    BEGIN
        IF coalesce(current_setting('{ALLOW_TRUNCATE_SETTING}', true), '') = 'on' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION '{table} {message}: TRUNCATE refused';
    END;
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER {trigger} BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION {function}();
    """
    drop = f"DROP TRIGGER IF EXISTS {trigger} ON {table}; DROP FUNCTION IF EXISTS {function}();"
    return _on_postgresql(create), _on_postgresql(drop)
