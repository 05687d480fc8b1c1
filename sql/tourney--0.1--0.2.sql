/* tourney--0.1--0.2.sql: what changes in the SQL objects from 0.1 to 0.2 */

\echo Use "ALTER EXTENSION tourney UPDATE TO '0.2'" to load this file. \quit

--------------------------------------------------------------------------
-- The rule.  tourney--0.1.sql is frozen as released (commit 586fc22): a
-- user's database may have been made by it, so it is never edited again.
-- Every change to a SQL object from now on (a new table, column, type,
-- enum label, index, function, argument, COMMENT, GRANT or REVOKE) is
-- written here, as statements that take a 0.1 database to 0.2.
--
-- There is no tourney--0.2.sql: CREATE EXTENSION tourney (default_version
-- 0.2) runs tourney--0.1.sql and then this file, so a fresh install and
-- an upgraded database run the very same statements.  test/upgrade/
-- upgrade.sh proves, in make test, that a 0.1 database holding a
-- tournament in progress and the README's grants has, after ALTER
-- EXTENSION tourney UPDATE, the catalog of a fresh install (grants and
-- pg_init_privs included), that its tournament goes on to completed, and
-- that its grants survive pg_dump / pg_restore.
--
-- A function whose arguments change is dropped and created again, which
-- loses the grants users gave on it.  Keep them as pg_partman's update
-- scripts do: before the DROP, save the users' grants on the old function
-- (its ACL entries other than the owner's); after the CREATE and the
-- REVOKE ... FROM PUBLIC, grant them again on the new one.  A GRANT run in
-- an extension script is also recorded in pg_init_privs as the
-- extension's own, and pg_dump leaves those out, so then set the new
-- function's pg_init_privs row back to what a fresh install records (the
-- ACL right after the REVOKE).  The README section "Releases and
-- upgrades" gives the statements.  A C function whose C signature changes
-- gets a new symbol: the library serves every installed version.
--------------------------------------------------------------------------

-- 0.2 changes no SQL object yet.
