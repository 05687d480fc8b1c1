-- catalog.sql: the catalog of the tourney extension in this database as
-- sorted lines of text, "section object: detail", with no OID in them
-- (objects by name and signature, roles by name), so that the text of two
-- databases can be compared with diff.  Used by upgrade.sh: an upgraded
-- database must print exactly what a fresh install prints.
--
-- What it covers: the extension (version, schema, owner), its members
-- (pg_depend 'e'), its pg_extension_config_dump registrations, and of
-- everything in schema tourney: relations (kind, options, toast options,
-- owner), columns (position among the live columns, type and typmod, not
-- null, default, identity, generated, collation, storage, compression,
-- statistics target, options), sequences (parameters, owning column),
-- constraints (pg_get_constraintdef and flags), indexes (pg_get_indexdef
-- and flags), triggers (pg_get_triggerdef, enabled), rules, policies,
-- views (definition), types (enum labels in order, domains), functions
-- (identity, arguments with defaults, result, language, volatility,
-- strictness, security definer, leakproof, parallel, cost, rows, config,
-- source, binary), the COMMENT of every object and column ("none" where
-- there is none), the privileges of every object (ACL entries one a line,
-- grantee=privilege by grantor, PUBLIC included), default privileges and
-- pg_init_privs.  Sections acl, default_acl and init_privs are "the ACL
-- part" that upgrade.sh also compares after pg_dump / pg_restore.
--
-- Run with psql -X -A -t; it sets search_path to pg_catalog only, so that
-- every name outside pg_catalog prints schema-qualified in both databases.

SET search_path = pg_catalog;

WITH
ext AS (
    SELECT e.* FROM pg_extension e WHERE e.extname = 'tourney'
),
nsp AS (
    SELECT n.* FROM pg_namespace n WHERE n.nspname = 'tourney'
),
rel AS (
    SELECT c.* FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM nsp)
),
att AS (
    SELECT a.*,
           row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum) AS position
    FROM pg_attribute a JOIN rel c ON c.oid = a.attrelid
    WHERE a.attnum > 0 AND NOT a.attisdropped
      AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
),
con AS (
    SELECT k.* FROM pg_constraint k
    WHERE k.conrelid IN (SELECT oid FROM rel)
       OR k.contypid IN (SELECT oid FROM pg_type WHERE typnamespace = (SELECT oid FROM nsp))
),
trg AS (
    SELECT t.* FROM pg_trigger t
    WHERE t.tgrelid IN (SELECT oid FROM rel) AND NOT t.tgisinternal
),
typ AS (
    -- types of their own: not a table's row type, not an automatic array
    SELECT t.* FROM pg_type t
    WHERE t.typnamespace = (SELECT oid FROM nsp)
      AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
      AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
),
fn AS (
    SELECT p.* FROM pg_proc p WHERE p.pronamespace = (SELECT oid FROM nsp)
),
-- every object that can carry a COMMENT or an ACL: (catalog, oid, subid, acl, acl kind, owner)
obj AS (
    SELECT 'pg_extension'::regclass AS classid, e.oid AS objid, 0 AS objsubid,
           NULL::aclitem[] AS acl, NULL::"char" AS aclkind, e.extowner AS owner FROM ext e
    UNION ALL
    SELECT 'pg_namespace'::regclass, n.oid, 0, n.nspacl, 'n'::"char", n.nspowner FROM nsp n
    UNION ALL
    SELECT 'pg_class'::regclass, c.oid, 0, c.relacl,
           CASE c.relkind WHEN 'S' THEN 's' WHEN 'i' THEN NULL WHEN 'I' THEN NULL
                          WHEN 'c' THEN NULL ELSE 'r' END::"char", c.relowner
    FROM rel c WHERE c.relkind <> 't'
    UNION ALL
    SELECT 'pg_class'::regclass, a.attrelid, a.attnum, a.attacl, 'c', NULL FROM att a
    UNION ALL
    SELECT 'pg_constraint'::regclass, k.oid, 0, NULL, NULL, NULL FROM con k
    UNION ALL
    SELECT 'pg_trigger'::regclass, t.oid, 0, NULL, NULL, NULL FROM trg t
    UNION ALL
    SELECT 'pg_type'::regclass, t.oid, 0, t.typacl, 'T', t.typowner FROM typ t
    UNION ALL
    SELECT 'pg_proc'::regclass, p.oid, 0, p.proacl, 'f', p.proowner FROM fn p
),
named AS (
    SELECT o.*, i.type || ' ' || i.identity AS ident
    FROM obj o, pg_identify_object(o.classid, o.objid, o.objsubid) i
),
lines (section, object, detail) AS (
    ------------------------------------------------------------------ extension
    SELECT 'extension', e.extname::text,
           format('version %s, relocatable %s, schema %s, owner %s',
                  e.extversion, e.extrelocatable, e.extnamespace::regnamespace,
                  pg_get_userbyid(e.extowner))
    FROM ext e
    UNION ALL
    SELECT 'config_dump', u.cfg::regclass::text, format('condition %L', u.cond)
    FROM ext e, unnest(e.extconfig, e.extcondition) AS u(cfg, cond)
    UNION ALL
    SELECT 'member', i.type || ' ' || i.identity, 'deptype e'
    FROM ext e
    JOIN pg_depend d ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid
                    AND d.deptype = 'e',
         pg_identify_object(d.classid, d.objid, d.objsubid) i
    UNION ALL
    SELECT 'schema', n.nspname::text, format('owner %s', pg_get_userbyid(n.nspowner))
    FROM nsp n
    ------------------------------------------------------------------ relations
    UNION ALL
    SELECT 'relation', c.oid::regclass::text,
           format('kind %s, persistence %s, owner %s, options %s, toast options %s, '
                  'tablespace %s, replica identity %s, row security %s, forced %s, '
                  'partition %s, of type %s, access method %s',
                  c.relkind, c.relpersistence, pg_get_userbyid(c.relowner), c.reloptions,
                  (SELECT t.reloptions FROM pg_class t WHERE t.oid = c.reltoastrelid),
                  (SELECT spcname FROM pg_tablespace WHERE oid = c.reltablespace),
                  c.relreplident, c.relrowsecurity, c.relforcerowsecurity, c.relispartition,
                  nullif(c.reloftype, 0)::regtype,
                  (SELECT amname FROM pg_am WHERE oid = c.relam))
    FROM rel c WHERE c.relkind NOT IN ('t', 'i', 'I')
    UNION ALL
    SELECT 'view', c.oid::regclass::text, replace(pg_get_viewdef(c.oid), E'\n', '\n')
    FROM rel c WHERE c.relkind IN ('v', 'm')
    UNION ALL
    SELECT 'column', format('%s.%I', a.attrelid::regclass, a.attname),
           format('position %s, type %s, not null %s, default %s, identity %L, generated %L, '
                  'collation %s, storage %s, compression %L, statistics %s, options %s, fdw options %s',
                  a.position, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                  pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
                  (SELECT collname FROM pg_collation WHERE oid = a.attcollation),
                  a.attstorage, a.attcompression, a.attstattarget,
                  -- pg_attver is no user option: PostgreSQL 15.20 keeps an
                  -- attribute version there, which differs between databases
                  -- (pg_dump leaves it out too)
                  ARRAY(SELECT o FROM unnest(a.attoptions) o
                        WHERE o NOT LIKE 'pg\_attver=%' ORDER BY o),
                  a.attfdwoptions)
    FROM att a
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    UNION ALL
    SELECT 'sequence', c.oid::regclass::text,
           format('type %s, start %s, increment %s, min %s, max %s, cache %s, cycle %s, owned by %s',
                  s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
                  s.seqcache, s.seqcycle,
                  (SELECT string_agg(format('%s.%I (%s)', d.refobjid::regclass, a.attname, d.deptype), ', ')
                   FROM pg_depend d
                   JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                   WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                     AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))
    FROM rel c JOIN pg_sequence s ON s.seqrelid = c.oid
    UNION ALL
    SELECT 'constraint',
           format('%I on %s', k.conname,
                  CASE WHEN k.conrelid <> 0 THEN k.conrelid::regclass::text
                       ELSE 'type ' || k.contypid::regtype::text END),
           format('type %s, %s, deferrable %s, deferred %s, validated %s, local %s, '
                  'inherited %s, no inherit %s',
                  k.contype, pg_get_constraintdef(k.oid), k.condeferrable, k.condeferred,
                  k.convalidated, k.conislocal, k.coninhcount, k.connoinherit)
    FROM con k
    UNION ALL
    SELECT 'index', x.indexrelid::regclass::text,
           format('%s, primary %s, exclusion %s, immediate %s, clustered %s, valid %s, '
                  'replica identity %s',
                  pg_get_indexdef(x.indexrelid), x.indisprimary, x.indisexclusion,
                  x.indimmediate, x.indisclustered, x.indisvalid, x.indisreplident)
    FROM pg_index x WHERE x.indrelid IN (SELECT oid FROM rel)
    UNION ALL
    SELECT 'trigger', format('%I on %s', t.tgname, t.tgrelid::regclass),
           format('%s, enabled %s', pg_get_triggerdef(t.oid), t.tgenabled)
    FROM trg t
    UNION ALL
    SELECT 'rule', format('%I on %s', r.rulename, r.ev_class::regclass),
           format('%s, enabled %s', replace(pg_get_ruledef(r.oid), E'\n', '\n'), r.ev_enabled)
    FROM pg_rewrite r WHERE r.ev_class IN (SELECT oid FROM rel)
    UNION ALL
    SELECT 'policy', format('%I on %s', p.polname, p.polrelid::regclass),
           format('command %s, permissive %s, roles %s, using %s, check %s',
                  p.polcmd, p.polpermissive,
                  (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r)::text END,
                                     ', ' ORDER BY 1)
                   FROM unnest(p.polroles) r),
                  pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
    FROM pg_policy p WHERE p.polrelid IN (SELECT oid FROM rel)
    ------------------------------------------------------------------ types
    UNION ALL
    SELECT 'type', t.oid::regtype::text,
           format('type %s, category %s, owner %s, base %s, not null %s, default %s, '
                  'collation %s, array %s',
                  t.typtype, t.typcategory, pg_get_userbyid(t.typowner),
                  nullif(t.typbasetype, 0)::regtype, t.typnotnull, t.typdefault,
                  (SELECT collname FROM pg_collation WHERE oid = t.typcollation),
                  nullif(t.typarray, 0)::regtype)
    FROM typ t
    UNION ALL
    SELECT 'enum', t.oid::regtype::text,
           format('labels %s', array_agg(l.enumlabel::text ORDER BY l.enumsortorder))
    FROM typ t JOIN pg_enum l ON l.enumtypid = t.oid
    GROUP BY t.oid
    ------------------------------------------------------------------ functions
    UNION ALL
    SELECT 'function', p.oid::regprocedure::text,
           format('kind %s, arguments (%s), result %s', p.prokind,
                  pg_get_function_arguments(p.oid), pg_get_function_result(p.oid))
    FROM fn p
    UNION ALL
    SELECT 'function', p.oid::regprocedure::text,
           format('language %s, volatility %s, strict %s, security definer %s, leakproof %s, '
                  'parallel %s, cost %s, rows %s, config %s, owner %s, support %s',
                  (SELECT lanname FROM pg_language WHERE oid = p.prolang), p.provolatile,
                  p.proisstrict, p.prosecdef, p.proleakproof, p.proparallel, p.procost,
                  p.prorows, p.proconfig, pg_get_userbyid(p.proowner),
                  nullif(p.prosupport, 0)::regproc)
    FROM fn p
    UNION ALL
    SELECT 'function', p.oid::regprocedure::text,
           format('binary %s, source %s, sql body %s', p.probin,
                  replace(replace(p.prosrc, '\', '\\'), E'\n', '\n'),
                  replace(pg_get_function_sqlbody(p.oid), E'\n', '\n'))
    FROM fn p
    ------------------------------------------------------------------ comments
    UNION ALL
    SELECT 'comment', o.ident, coalesce(quote_literal(d.description), 'none')
    FROM named o
    LEFT JOIN pg_description d ON d.classoid = o.classid AND d.objoid = o.objid
                              AND d.objsubid = o.objsubid
    ------------------------------------------------------------------ privileges
    UNION ALL
    SELECT 'acl', o.ident,
           format('%s=%s%s by %s',
                  CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(x.grantee)::text END,
                  x.privilege_type, CASE WHEN x.is_grantable THEN ' with grant option' END,
                  pg_get_userbyid(x.grantor))
    FROM named o,
         aclexplode(CASE WHEN o.aclkind = 'c' OR o.acl IS NOT NULL THEN o.acl
                         ELSE acldefault(o.aclkind, o.owner) END) x
    WHERE o.aclkind IS NOT NULL
    UNION ALL
    SELECT 'default_acl', format('%s in schema tourney for %s', a.defaclobjtype, pg_get_userbyid(a.defaclrole)),
           format('%s=%s%s by %s',
                  CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(x.grantee)::text END,
                  x.privilege_type, CASE WHEN x.is_grantable THEN ' with grant option' END,
                  pg_get_userbyid(x.grantor))
    FROM pg_default_acl a, aclexplode(a.defaclacl) x
    WHERE a.defaclnamespace = (SELECT oid FROM nsp)
    UNION ALL
    SELECT 'init_privs', i.type || ' ' || i.identity,
           format('privtype %s, %s=%s%s by %s', ip.privtype,
                  CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(x.grantee)::text END,
                  x.privilege_type, CASE WHEN x.is_grantable THEN ' with grant option' END,
                  pg_get_userbyid(x.grantor))
    FROM pg_init_privs ip,
         pg_identify_object(ip.classoid, ip.objoid, ip.objsubid) i,
         aclexplode(ip.initprivs) x
    WHERE i.schema = 'tourney'
       OR (ip.classoid = 'pg_namespace'::regclass AND ip.objoid = (SELECT oid FROM nsp))
)
SELECT l.line
FROM lines, format('%s %s: %s', section, object, detail) AS l(line)
ORDER BY l.line COLLATE "C";
