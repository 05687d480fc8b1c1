/*
 * tourney_proxy--0.2.sql: the proxy database of a PL/Proxy-sharded tourney
 * (SPEC section 8, README "Beyond one machine").
 *
 * The proxy holds no tournament.  It has a function for every public
 * function of tourney on the data nodes, with the same schema, name and
 * signature, that PL/Proxy runs on the node that owns the tournament:
 *
 *   - a tournament lives on partition route_tournament(tournament_id) of
 *     the cluster tourney_cluster (2^n partitions, each a database on some
 *     server, each with its own tourney.node_id);
 *   - a call that names a session or a task goes to the node whose
 *     tourney.node_id is stamped in the id (route_session, route_task);
 *   - create_tournament mints the id here: its local part from a proxy
 *     sequence, its partition by the hash of that, its stamp the node id of
 *     that partition, so that the id routes to the node that holds the rows;
 *   - players and campuses are global: create_players and create_campuses
 *     mint their ids here and write the same rows to every node;
 *   - overview, counts and leaderboard run on all nodes and merge.
 *
 * PL/Proxy connects to a node as the calling role (user=CURRENT_USER), so
 * the nodes' grants decide who may do what; every remote call is a
 * transaction of its own on its node.
 */

\echo Use "CREATE EXTENSION tourney_proxy" to load this file. \quit

--------------------------------------------------------------------------
-- The types the functions return, as on the nodes.
--------------------------------------------------------------------------

CREATE TYPE tourney.tournament_format AS ENUM
    ('knockout', 'individual_ranking', 'round_robin', 'swiss', 'double_elimination', 'groups_knockout');
CREATE TYPE tourney.tournament_status AS ENUM ('draft', 'in_progress', 'completed', 'cancelled');
CREATE TYPE tourney.task_status AS ENUM ('queued', 'running', 'done', 'error', 'cancelled');
CREATE TYPE tourney.tasks AS (
    tournament_id   bigint,
    task_id         uuid,
    kind            text,
    status          tourney.task_status,
    attempts        int,
    queued_at       timestamptz,
    started_at      timestamptz,
    finished_at     timestamptz,
    queue_wait_ms   float8,
    generation_ms   float8,
    db_write_ms     float8,
    session_count   int,
    error           text,
    error_sqlstate  text,
    worker_pid      int,
    requested_by    regrole,
    connected_as    regrole
);
COMMENT ON TYPE tourney.tasks IS 'a row of tourney.tasks on the node that ran the task';

--------------------------------------------------------------------------
-- The cluster and the routing.
--------------------------------------------------------------------------

-- Which node (tourney.node_id) each partition's database is, read from the
-- nodes by proxy_configure.
CREATE TABLE tourney.partitions (
    partition   int PRIMARY KEY CHECK (partition >= 0),
    node_id     int NOT NULL CHECK (node_id BETWEEN 0 AND 32767),
    connstr     text NOT NULL
);
COMMENT ON TABLE tourney.partitions IS 'the partitions of tourney_cluster: each one''s connection string and the tourney.node_id of its database (proxy_configure)';
SELECT pg_catalog.pg_extension_config_dump('tourney.partitions', '');

-- Ids minted here.  A tournament's local part starts at 2^47, above what a
-- node's own tournament_id_seq hands out in practice, so that a node-local
-- create_tournament and the proxy never mint the same id.
CREATE SEQUENCE tourney.tournament_local_seq AS bigint
    START 140737488355328 MINVALUE 140737488355328 MAXVALUE 281474976710655;
CREATE SEQUENCE tourney.player_id_seq AS bigint START 1 MAXVALUE 281474976710655;
CREATE SEQUENCE tourney.campus_id_seq AS bigint START 1 MAXVALUE 281474976710655;
SELECT pg_catalog.pg_extension_config_dump('tourney.tournament_local_seq', '');
SELECT pg_catalog.pg_extension_config_dump('tourney.player_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('tourney.campus_id_seq', '');
COMMENT ON SEQUENCE tourney.tournament_local_seq IS 'the local part (below the node stamp) of the tournament ids the proxy mints';
COMMENT ON SEQUENCE tourney.player_id_seq IS 'the ids of the players create_players writes to every node';
COMMENT ON SEQUENCE tourney.campus_id_seq IS 'the ids of the campuses create_campuses writes to every node';

-- The only place that hashes: a tournament's partition (PL/Proxy takes
-- the hash modulo the partition count, by its mask).  The node stamp is
-- left out, so that the proxy can choose the node from the local part
-- before it stamps the id.  NULL goes to partition 0, whose node then
-- answers 22004 as a single server would.
CREATE FUNCTION tourney.route_tournament(tournament_id bigint)
RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT COALESCE(pg_catalog.hashint8(tournament_id OPERATOR(pg_catalog.&) 281474976710655), 0) $$;
COMMENT ON FUNCTION tourney.route_tournament(bigint) IS
    'the hash that puts a tournament on a partition of tourney_cluster (of its id without the node stamp)';

-- The partition of a node: the first of the partitions its database
-- holds.  An id stamped for no node goes to partition 0, whose node then
-- answers P0002 for it.
CREATE FUNCTION tourney.route_node(node_id int)
RETURNS int
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT COALESCE((SELECT min(p.partition) FROM tourney.partitions p WHERE p.node_id = $1), 0) $$;
COMMENT ON FUNCTION tourney.route_node(int) IS
    'the partition of tourney_cluster that holds the node with this tourney.node_id (0 for none)';

CREATE FUNCTION tourney.route_session(session_id bigint)
RETURNS int
LANGUAGE sql STABLE
AS $$ SELECT tourney.route_node((session_id OPERATOR(pg_catalog.>>) 48)::int) $$;
COMMENT ON FUNCTION tourney.route_session(bigint) IS
    'the partition of the node stamped in a session id';

CREATE FUNCTION tourney.route_task(task_id uuid)
RETURNS int
LANGUAGE sql STABLE
AS $$ SELECT tourney.route_node(('x' OPERATOR(pg_catalog.||)
                                 pg_catalog.substr(pg_catalog.replace(task_id::text, '-', ''), 1, 4))::bit(16)::int) $$;
COMMENT ON FUNCTION tourney.route_task(uuid) IS
    'the partition of the node stamped in the first two bytes of a task id';

-- Asked of one partition by proxy_configure: its node id.
CREATE FUNCTION tourney.partition_node_id(partition int)
RETURNS int
LANGUAGE plproxy
AS $$
    CLUSTER 'tourney_cluster';
    RUN ON partition;
    SELECT pg_catalog.current_setting('tourney.node_id')::int;
$$;
COMMENT ON FUNCTION tourney.partition_node_id(int) IS 'the tourney.node_id of one partition''s database';

-- (Re)define tourney_cluster: partition i is connstrs[i + 1]; their number
-- must be a power of two (list a database twice to give it two
-- partitions).  Every role may use the server: the nodes' grants decide.
CREATE FUNCTION tourney.proxy_configure(connstrs text[])
RETURNS SETOF tourney.partitions
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n int := cardinality(connstrs);
    opts text;
BEGIN
    IF connstrs IS NULL THEN
        RAISE EXCEPTION 'connstrs must not be null' USING ERRCODE = '22004';
    ELSIF n = 0 OR (n & (n - 1)) <> 0 OR array_position(connstrs, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'a cluster needs a power of two of partitions, each a connection string'
            USING ERRCODE = '22023', DETAIL = format('%s were given.', n);
    END IF;
    SELECT string_agg(format('p%s %L', i - 1, connstrs[i]), ', ' ORDER BY i) INTO opts
    FROM generate_subscripts(connstrs, 1) i;
    DROP SERVER IF EXISTS tourney_cluster CASCADE;
    EXECUTE format('CREATE SERVER tourney_cluster FOREIGN DATA WRAPPER plproxy OPTIONS (%s)', opts);
    CREATE USER MAPPING FOR PUBLIC SERVER tourney_cluster;
    GRANT USAGE ON FOREIGN SERVER tourney_cluster TO PUBLIC;
    DELETE FROM tourney.partitions;
    INSERT INTO tourney.partitions (partition, node_id, connstr)
    SELECT i - 1, tourney.partition_node_id(i - 1), connstrs[i] FROM generate_subscripts(connstrs, 1) i;
    IF EXISTS (SELECT FROM tourney.partitions GROUP BY node_id HAVING count(DISTINCT connstr) > 1) THEN
        RAISE EXCEPTION 'two databases of the cluster have the same tourney.node_id'
            USING ERRCODE = '22023', HINT = 'Give every data node its own tourney.node_id.';
    END IF;
    RETURN QUERY SELECT * FROM tourney.partitions ORDER BY partition;
END $$;
COMMENT ON FUNCTION tourney.proxy_configure(text[]) IS
    'defines the PL/Proxy cluster tourney_cluster (partition i = connstrs[i + 1], a power of two of them) and reads each partition''s node id';
REVOKE EXECUTE ON FUNCTION tourney.proxy_configure(text[]) FROM PUBLIC;

--------------------------------------------------------------------------
-- Ids minted here.
--------------------------------------------------------------------------

-- A new tournament's id: the local part from the proxy's sequence, the
-- partition by the hash of it, the stamp that partition's node id.
CREATE FUNCTION tourney.mint_tournament_id()
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    parts int := (SELECT count(*) FROM tourney.partitions);
    local_id bigint := nextval('tourney.tournament_local_seq');
    node int;
BEGIN
    IF parts = 0 THEN
        RAISE EXCEPTION 'tourney_cluster has no partitions' USING ERRCODE = '55000',
            HINT = 'Run tourney.proxy_configure first.';
    END IF;
    SELECT p.node_id INTO node FROM tourney.partitions p
    WHERE p.partition = tourney.route_tournament(local_id) & (parts - 1);
    RETURN (node::bigint << 48) | local_id;
END $$;
COMMENT ON FUNCTION tourney.mint_tournament_id() IS
    'a new tournament id: stamped with the node of the partition its hash routes it to';

-- n new ids of players or campuses.
CREATE FUNCTION tourney.mint_global_ids(kind text, n int)
RETURNS bigint[]
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY(SELECT nextval(CASE kind WHEN 'players' THEN 'tourney.player_id_seq'
                                          ELSE 'tourney.campus_id_seq' END::regclass)
                 FROM generate_series(1, n))
$$;
COMMENT ON FUNCTION tourney.mint_global_ids(text, int) IS 'n new ids of players or campuses';

--------------------------------------------------------------------------
-- Global rows: players and campuses, on every node with the same ids.
--------------------------------------------------------------------------

-- The batches with this content that some node has.
CREATE FUNCTION tourney.global_batches_on_nodes(kind text, digest bytea)
RETURNS TABLE (node_id int, first_id bigint, ids bigint[])
LANGUAGE plproxy
AS $$
    CLUSTER 'tourney_cluster';
    RUN ON ALL;
    SELECT pg_catalog.current_setting('tourney.node_id')::int AS node_id, b.first_id, b.ids
    FROM tourney.global_batches b WHERE b.kind = kind AND b.digest = digest;
$$;
COMMENT ON FUNCTION tourney.global_batches_on_nodes(text, bytea) IS
    'the batches of global rows with this digest, on every node';

CREATE FUNCTION tourney.put_players(player_ids bigint[], names text[], ratings float8[] DEFAULT NULL,
                                    emails text[] DEFAULT NULL, batch bytea DEFAULT NULL)
RETURNS SETOF bigint
LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON ALL; $$;
COMMENT ON FUNCTION tourney.put_players(bigint[], text[], float8[], text[], bytea) IS
    'put_players on every node';

CREATE FUNCTION tourney.put_campuses(campus_ids bigint[], names text[], capacities int[] DEFAULT NULL,
                                     courts int[] DEFAULT NULL, batch bytea DEFAULT NULL)
RETURNS SETOF bigint
LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON ALL; $$;
COMMENT ON FUNCTION tourney.put_campuses(bigint[], text[], int[], int[], bytea) IS
    'put_campuses on every node';

-- The ids of a batch: those of an earlier try of the same content that
-- some node did not get (so that repeating a call after a partial failure
-- completes it), else new ones.  A batch that every node has is done: the
-- same content again is a new batch.
CREATE FUNCTION tourney.global_batch_ids(kind text, digest bytea, names text[])
RETURNS bigint[]
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ids bigint[];
BEGIN
    IF names IS NULL THEN
        RAISE EXCEPTION 'names must not be null' USING ERRCODE = '22004';
    END IF;
    SELECT b.ids INTO ids
    FROM tourney.global_batches_on_nodes(kind, digest) b
    GROUP BY b.first_id, b.ids
    HAVING count(DISTINCT b.node_id) < (SELECT count(DISTINCT p.node_id) FROM tourney.partitions_nodes() p)
    ORDER BY b.first_id LIMIT 1;
    RETURN COALESCE(ids, tourney.mint_global_ids(kind, cardinality(names)));
END $$;
COMMENT ON FUNCTION tourney.global_batch_ids(text, bytea, text[]) IS
    'the ids for a batch of global rows: an unfinished earlier try''s, or new ones';

-- The node ids of the cluster (the partitions table itself is private: its
-- connection strings may say more than routing needs).
CREATE FUNCTION tourney.partitions_nodes()
RETURNS TABLE (partition int, node_id int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT p.partition, p.node_id FROM tourney.partitions p ORDER BY p.partition $$;
COMMENT ON FUNCTION tourney.partitions_nodes() IS 'the partitions of tourney_cluster and the node id of each';

-- The arrays' content, for a batch's digest: one text per kind.
CREATE FUNCTION tourney.global_digest(kind text, names text[], a anyarray, b anyarray)
RETURNS bytea
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$ SELECT sha256(convert_to(jsonb_build_array(kind, names, a, b)::text, 'UTF8')) $$;
COMMENT ON FUNCTION tourney.global_digest(text, text[], anyarray, anyarray) IS
    'the digest of a batch of global rows';

CREATE FUNCTION tourney.create_players(names text[], ratings float8[] DEFAULT NULL,
                                       emails text[] DEFAULT NULL)
RETURNS SETOF bigint
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
    WITH b AS MATERIALIZED (
        SELECT d.digest, tourney.global_batch_ids('players', d.digest, names) AS ids
        FROM (SELECT tourney.global_digest('players', names, ratings::text[], emails) AS digest) d),
    w AS MATERIALIZED (SELECT count(*) FROM b, tourney.put_players(b.ids, names, ratings, emails, b.digest))
    SELECT u.id FROM b, w, unnest(b.ids) WITH ORDINALITY u(id, i) ORDER BY u.i
$$;
COMMENT ON FUNCTION tourney.create_players(text[], float8[], text[]) IS
    'creates players on every node with the same proxy-minted ids; repeating a call after a partial failure completes it; returns the ids';

CREATE FUNCTION tourney.create_campuses(names text[], capacities int[] DEFAULT NULL,
                                        courts int[] DEFAULT NULL)
RETURNS SETOF bigint
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
    WITH b AS MATERIALIZED (
        SELECT d.digest, tourney.global_batch_ids('campuses', d.digest, names) AS ids
        FROM (SELECT tourney.global_digest('campuses', names, capacities, courts) AS digest) d),
    w AS MATERIALIZED (SELECT count(*) FROM b, tourney.put_campuses(b.ids, names, capacities, courts, b.digest))
    SELECT u.id FROM b, w, unnest(b.ids) WITH ORDINALITY u(id, i) ORDER BY u.i
$$;
COMMENT ON FUNCTION tourney.create_campuses(text[], int[], int[]) IS
    'creates campuses on every node with the same proxy-minted ids; repeating a call after a partial failure completes it; returns the ids';

--------------------------------------------------------------------------
-- The functions of tourney, routed.  Where a tournament's id names the
-- tournament, by its hash; where a session or task id does, by its stamp.
--------------------------------------------------------------------------

CREATE FUNCTION tourney.create_tournament_with_id(
    tournament_id bigint, name text, format text, scoring_type text DEFAULT 'score_based',
    ranking_direction text DEFAULT NULL, number_of_rounds int DEFAULT NULL,
    third_place_playoff bool DEFAULT NULL, campus_ids bigint[] DEFAULT '{}',
    grand_final text DEFAULT NULL, group_count int DEFAULT NULL,
    advance_per_group int DEFAULT NULL, group_tiebreak text DEFAULT NULL)
RETURNS bigint
LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_tournament(tournament_id); $$;

-- The id minted here, the rows written on its node.
CREATE FUNCTION tourney.create_tournament(
    name text, format text, scoring_type text DEFAULT 'score_based',
    ranking_direction text DEFAULT NULL, number_of_rounds int DEFAULT NULL,
    third_place_playoff bool DEFAULT NULL, campus_ids bigint[] DEFAULT '{}',
    grand_final text DEFAULT NULL, group_count int DEFAULT NULL,
    advance_per_group int DEFAULT NULL, group_tiebreak text DEFAULT NULL)
RETURNS bigint
LANGUAGE sql VOLATILE
AS $$
    SELECT tourney.create_tournament_with_id(tourney.mint_tournament_id(), name, format, scoring_type,
                                             ranking_direction, number_of_rounds, third_place_playoff,
                                             campus_ids, grand_final, group_count, advance_per_group,
                                             group_tiebreak)
$$;

CREATE FUNCTION tourney.enroll(tournament_id bigint, player_ids bigint[], seeds int[] DEFAULT NULL)
RETURNS int LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_tournament(tournament_id); $$;
CREATE FUNCTION tourney.generate_sessions(tournament_id bigint, async bool DEFAULT NULL)
RETURNS uuid LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_tournament(tournament_id); $$;
CREATE FUNCTION tourney.calculate_rankings(tournament_id bigint)
RETURNS int LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_tournament(tournament_id); $$;
CREATE FUNCTION tourney.complete_tournament(tournament_id bigint)
RETURNS void LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_tournament(tournament_id); $$;
CREATE FUNCTION tourney.cancel_tournament(tournament_id bigint)
RETURNS void LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_tournament(tournament_id); $$;
CREATE FUNCTION tourney.simulate_results(tournament_id bigint, seed bigint DEFAULT 0)
RETURNS int LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_tournament(tournament_id); $$;
CREATE FUNCTION tourney.tallies_rebuild(tournament_id bigint)
RETURNS bigint LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_tournament(tournament_id); $$;
CREATE FUNCTION tourney.check_in(tournament_id bigint, player_ids bigint[])
RETURNS int LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_tournament(tournament_id); $$;
CREATE FUNCTION tourney.drop_unchecked(tournament_id bigint)
RETURNS int LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_tournament(tournament_id); $$;
CREATE FUNCTION tourney.withdraw_player(tournament_id bigint, player_id bigint)
RETURNS SETOF bigint LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_tournament(tournament_id); $$;
CREATE FUNCTION tourney.schedule_sessions(tournament_id bigint, starts_at timestamptz, match_minutes int,
                                          rest_minutes int DEFAULT 0, courts int DEFAULT NULL)
RETURNS jsonb LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_tournament(tournament_id); $$;
CREATE FUNCTION tourney.delay_sessions(tournament_id bigint, from_time timestamptz, minutes int,
                                       request_id uuid DEFAULT NULL)
RETURNS int LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_tournament(tournament_id); $$;
CREATE FUNCTION tourney.close_campus(tournament_id bigint, campus_id bigint, from_time timestamptz,
                                     to_time timestamptz, request_id uuid DEFAULT NULL)
RETURNS SETOF bigint LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_tournament(tournament_id); $$;
CREATE FUNCTION tourney.standings(tournament_id bigint)
RETURNS TABLE (rank int, player_id bigint, name text, points numeric, wins int, draws int,
               losses int, score_for numeric, score_against numeric)
LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_tournament(tournament_id); $$;
CREATE FUNCTION tourney.standings(tournament_id bigint, top int)
RETURNS TABLE (rank int, player_id bigint, name text, points numeric, wins int, draws int,
               losses int, score_for numeric, score_against numeric)
LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_tournament(tournament_id); $$;
CREATE FUNCTION tourney.group_tables(tournament_id bigint)
RETURNS TABLE (pool int, pool_rank int, player_id bigint, name text, played int, wins int,
               draws int, losses int, score_for numeric, score_against numeric, points numeric)
LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_tournament(tournament_id); $$;

CREATE FUNCTION tourney.submit_result(session_id bigint, scores numeric[])
RETURNS void LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_session(session_id); $$;
CREATE FUNCTION tourney.correct_result(session_id bigint, scores numeric[], cascade bool DEFAULT false)
RETURNS SETOF bigint LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_session(session_id); $$;
CREATE FUNCTION tourney.submit_walkover(session_id bigint, winner_slot int)
RETURNS void LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_session(session_id); $$;
CREATE FUNCTION tourney.move_session(session_id bigint, starts_at timestamptz, campus_id bigint DEFAULT NULL,
                                     court int DEFAULT NULL, request_id uuid DEFAULT NULL)
RETURNS void LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_session(session_id); $$;
CREATE FUNCTION tourney.swap_sessions(session_a bigint, session_b bigint, request_id uuid DEFAULT NULL)
RETURNS void LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_session(session_a); $$;
CREATE FUNCTION tourney.swap_players(session_a bigint, slot_a int, session_b bigint, slot_b int,
                                     request_id uuid DEFAULT NULL)
RETURNS void LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_session(session_a); $$;

CREATE FUNCTION tourney.generation_status(task_id uuid)
RETURNS tourney.tasks LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_task(task_id); $$;
CREATE FUNCTION tourney.wait_for_task(task_id uuid, timeout interval DEFAULT '10 minutes')
RETURNS tourney.tasks LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_task(task_id); $$;
CREATE FUNCTION tourney.cancel_task(task_id uuid)
RETURNS tourney.tasks LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON tourney.route_task(task_id); $$;

-- A synthetic scenario makes its own players, on the node it runs on
-- (they are not global): any node will do.
CREATE FUNCTION tourney.run_scenario(player_count int, format text DEFAULT 'knockout',
    number_of_rounds int DEFAULT NULL, campus_count int DEFAULT 0, async bool DEFAULT NULL,
    seed bigint DEFAULT 0, third_place_playoff bool DEFAULT NULL, grand_final text DEFAULT NULL,
    group_count int DEFAULT NULL, advance_per_group int DEFAULT NULL, group_tiebreak text DEFAULT NULL)
RETURNS jsonb LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON ANY; $$;

--------------------------------------------------------------------------
-- Ratings.  A tournament is rated on its node, which writes its history;
-- its players are global, so their new values then go to every node's
-- copy (put_ratings, RUN ON ALL), and the next tournament is seeded by
-- them wherever it lives.  The two steps are not one transaction: when
-- the second fails (a node down), sync_ratings repeats it.
--------------------------------------------------------------------------

CREATE FUNCTION tourney.rate_on_node(tournament_id bigint, method text, tau float8, k_factor float8)
RETURNS int LANGUAGE plproxy
AS $$
    CLUSTER 'tourney_cluster';
    RUN ON tourney.route_tournament(tournament_id);
    SELECT tourney.update_ratings(tournament_id, method, tau, k_factor);
$$;
COMMENT ON FUNCTION tourney.rate_on_node(bigint, text, float8, float8) IS
    'update_ratings on the tournament''s node';

CREATE FUNCTION tourney.ratings_of_tournament(tournament_id bigint)
RETURNS TABLE (player_id bigint, rating float8, deviation float8, volatility float8)
LANGUAGE plproxy
AS $$
    CLUSTER 'tourney_cluster';
    RUN ON tourney.route_tournament(tournament_id);
    SELECT h.player_id, h.rating_after AS rating, h.deviation_after AS deviation,
           h.volatility_after AS volatility
    FROM tourney.rating_history h
    WHERE h.tournament_id = tournament_id AND tourney.tournament_checked(tournament_id) IS NOT NULL
    ORDER BY h.player_id;
$$;
COMMENT ON FUNCTION tourney.ratings_of_tournament(bigint) IS
    'the values a rated tournament gave its players, from its node''s rating_history';

CREATE FUNCTION tourney.put_ratings(player_ids bigint[], ratings float8[], deviations float8[],
                                    volatilities float8[])
RETURNS SETOF bigint LANGUAGE plproxy
AS $$ CLUSTER 'tourney_cluster'; RUN ON ALL; $$;
COMMENT ON FUNCTION tourney.put_ratings(bigint[], float8[], float8[], float8[]) IS
    'put_ratings on every node';

CREATE FUNCTION tourney.sync_ratings(tournament_id bigint)
RETURNS bigint
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT count(*)
    FROM (SELECT COALESCE(array_agg(r.player_id ORDER BY r.player_id), '{}') AS ids,
                 COALESCE(array_agg(r.rating ORDER BY r.player_id), '{}') AS ratings,
                 COALESCE(array_agg(r.deviation ORDER BY r.player_id), '{}') AS deviations,
                 COALESCE(array_agg(r.volatility ORDER BY r.player_id), '{}') AS volatilities
          FROM tourney.ratings_of_tournament(tournament_id) r) h,
         tourney.put_ratings(h.ids, h.ratings, h.deviations, h.volatilities) w
$$;
COMMENT ON FUNCTION tourney.sync_ratings(bigint) IS
    'copies the ratings a rated tournament gave its players to every node; returns the player rows changed (0 when every node has them)';

CREATE FUNCTION tourney.update_ratings(tournament_id bigint, method text DEFAULT 'glicko2',
                                       tau float8 DEFAULT 0.5, k_factor float8 DEFAULT 32)
RETURNS int
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rated int := tourney.rate_on_node(tournament_id, method, tau, k_factor);
BEGIN
    PERFORM tourney.sync_ratings(tournament_id);
    RETURN rated;
END $$;
COMMENT ON FUNCTION tourney.update_ratings(bigint, text, float8, float8) IS
    'rates a completed tournament on its node, then gives every node its players'' new values';

--------------------------------------------------------------------------
-- What a client reads through the proxy: a tournament's sessions and
-- rankings from its node; overview, counts and a leaderboard from all.
--------------------------------------------------------------------------

CREATE FUNCTION tourney.tournament_sessions(tournament_id bigint)
RETURNS TABLE (session_id bigint, stage text, pool int, round int, match_number int,
               campus_id bigint, court int, starts_at timestamptz, ends_at timestamptz,
               player_ids bigint[], winner_id bigint, result_submitted bool, walkover bool)
LANGUAGE plproxy
AS $$
    CLUSTER 'tourney_cluster';
    RUN ON tourney.route_tournament(tournament_id);
    SELECT s.session_id, s.stage, s.pool::int AS pool, s.round, s.match_number, s.campus_id, s.court,
           s.starts_at, s.ends_at,
           ARRAY(SELECT p.player_id FROM tourney.session_participants p
                 WHERE p.tournament_id = s.tournament_id AND p.session_id = s.session_id
                 ORDER BY p.slot) AS player_ids,
           s.winner_id, s.result_submitted, s.walkover
    FROM tourney.sessions s
    WHERE s.tournament_id = tournament_id AND tourney.tournament_checked(tournament_id) IS NOT NULL
    ORDER BY s.session_id;
$$;
COMMENT ON FUNCTION tourney.tournament_sessions(bigint) IS
    'the sessions of a tournament, with their players in slot order, from its node';

CREATE FUNCTION tourney.tournament_rankings(tournament_id bigint)
RETURNS TABLE (rank int, player_id bigint, points numeric, wins int, draws int, losses int,
               score_for numeric, score_against numeric, tiebreaks numeric[], pool_rank int)
LANGUAGE plproxy
AS $$
    CLUSTER 'tourney_cluster';
    RUN ON tourney.route_tournament(tournament_id);
    SELECT r.rank, r.player_id, r.points, r.wins, r.draws, r.losses, r.score_for, r.score_against,
           r.tiebreaks, r.pool_rank
    FROM tourney.rankings r
    WHERE r.tournament_id = tournament_id AND tourney.tournament_checked(tournament_id) IS NOT NULL
    ORDER BY r.rank, r.player_id;
$$;
COMMENT ON FUNCTION tourney.tournament_rankings(bigint) IS
    'the calculated rankings of a tournament, from its node';

CREATE FUNCTION tourney.overview_on_nodes()
RETURNS TABLE (tournament_id bigint, name text, format tourney.tournament_format,
               status tourney.tournament_status, players bigint, sessions bigint,
               sessions_with_result bigint, percent numeric, task_status tourney.task_status,
               task_percent numeric, next_start timestamptz)
LANGUAGE plproxy
AS $$
    CLUSTER 'tourney_cluster';
    RUN ON ALL;
    SELECT o.tournament_id, o.name, o.format, o.status, o.players, o.sessions,
           o.sessions_with_result, o.percent, o.task_status, o.task_percent, o.next_start
    FROM tourney.overview o;
$$;
COMMENT ON FUNCTION tourney.overview_on_nodes() IS 'tourney.overview of every node';
CREATE VIEW tourney.overview AS
SELECT * FROM tourney.overview_on_nodes();
COMMENT ON VIEW tourney.overview IS 'the live monitor of every node: one row per tournament not completed or cancelled';

CREATE FUNCTION tourney.counts()
RETURNS TABLE (node_id int, tournaments bigint, live_tournaments bigint, completed_tournaments bigint,
               players bigint, campuses bigint, enrolled bigint, sessions bigint,
               sessions_with_result bigint)
LANGUAGE plproxy
AS $$
    CLUSTER 'tourney_cluster';
    RUN ON ALL;
    SELECT pg_catalog.current_setting('tourney.node_id')::int AS node_id,
           (SELECT pg_catalog.count(*) FROM tourney.tournaments) AS tournaments,
           (SELECT pg_catalog.count(*) FROM tourney.tournaments t
            WHERE t.status NOT IN ('completed', 'cancelled')) AS live_tournaments,
           (SELECT pg_catalog.count(*) FROM tourney.tournaments t
            WHERE t.status = 'completed') AS completed_tournaments,
           (SELECT pg_catalog.count(*) FROM tourney.players) AS players,
           (SELECT pg_catalog.count(*) FROM tourney.campuses) AS campuses,
           (SELECT COALESCE(pg_catalog.sum(c.players), 0)::bigint FROM tourney.progress c) AS enrolled,
           (SELECT COALESCE(pg_catalog.sum(c.sessions), 0)::bigint FROM tourney.progress c) AS sessions,
           (SELECT COALESCE(pg_catalog.sum(c.results), 0)::bigint FROM tourney.progress c) AS sessions_with_result;
$$;
COMMENT ON FUNCTION tourney.counts() IS
    'per node: tournaments (live, completed), players, campuses, enrolments, sessions and sessions with a result';

CREATE FUNCTION tourney.leaderboard_on_nodes()
RETURNS TABLE (player_id bigint, name text, tournaments bigint, titles bigint, podiums bigint,
               wins bigint, draws bigint, losses bigint)
LANGUAGE plproxy
AS $$
    CLUSTER 'tourney_cluster';
    RUN ON ALL;
    SELECT r.player_id, p.name, pg_catalog.count(*) AS tournaments,
           pg_catalog.count(*) FILTER (WHERE r.rank = 1) AS titles,
           pg_catalog.count(*) FILTER (WHERE r.rank <= 3) AS podiums,
           pg_catalog.sum(r.wins)::bigint AS wins, pg_catalog.sum(r.draws)::bigint AS draws,
           pg_catalog.sum(r.losses)::bigint AS losses
    FROM tourney.rankings r
    JOIN tourney.tournaments t ON t.tournament_id = r.tournament_id AND t.status = 'completed'
    JOIN tourney.players p ON p.player_id = r.player_id
    GROUP BY r.player_id, p.name;
$$;
COMMENT ON FUNCTION tourney.leaderboard_on_nodes() IS
    'per node and player: completed tournaments, titles, podiums, wins, draws, losses';

CREATE FUNCTION tourney.leaderboard(top int DEFAULT 20)
RETURNS TABLE (rank int, player_id bigint, name text, tournaments bigint, titles bigint,
               podiums bigint, wins bigint, draws bigint, losses bigint)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT (rank() OVER w)::int, l.player_id, l.name, l.tournaments, l.titles, l.podiums,
           l.wins, l.draws, l.losses
    FROM (SELECT n.player_id, min(n.name) AS name, sum(n.tournaments)::bigint AS tournaments,
                 sum(n.titles)::bigint AS titles, sum(n.podiums)::bigint AS podiums,
                 sum(n.wins)::bigint AS wins, sum(n.draws)::bigint AS draws,
                 sum(n.losses)::bigint AS losses
          FROM tourney.leaderboard_on_nodes() n GROUP BY n.player_id) l
    WINDOW w AS (ORDER BY l.titles DESC, l.podiums DESC, l.wins DESC)
    ORDER BY l.titles DESC, l.podiums DESC, l.wins DESC, l.player_id
    LIMIT top
$$;
COMMENT ON FUNCTION tourney.leaderboard(int) IS
    'the players of the completed tournaments of every node, by titles, podiums and wins';

--------------------------------------------------------------------------
-- Rights: as on the nodes, EXECUTE on what changes state is revoked from
-- PUBLIC (the README grants it to its roles); the read-only functions stay
-- with PUBLIC.  Every call is checked again on its node, as the caller.
--------------------------------------------------------------------------

REVOKE ALL ON tourney.partitions FROM PUBLIC;
REVOKE ALL ON SEQUENCE tourney.tournament_local_seq, tourney.player_id_seq, tourney.campus_id_seq FROM PUBLIC;
REVOKE ALL ON tourney.overview FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION
    tourney.mint_tournament_id(),
    tourney.mint_global_ids(text, int),
    tourney.global_batch_ids(text, bytea, text[]),
    tourney.global_batches_on_nodes(text, bytea),
    tourney.put_players(bigint[], text[], float8[], text[], bytea),
    tourney.put_campuses(bigint[], text[], int[], int[], bytea),
    tourney.create_players(text[], float8[], text[]),
    tourney.create_campuses(text[], int[], int[]),
    tourney.create_tournament_with_id(bigint, text, text, text, text, int, bool, bigint[], text, int, int, text),
    tourney.create_tournament(text, text, text, text, int, bool, bigint[], text, int, int, text),
    tourney.enroll(bigint, bigint[], int[]),
    tourney.generate_sessions(bigint, bool),
    tourney.calculate_rankings(bigint),
    tourney.complete_tournament(bigint),
    tourney.cancel_tournament(bigint),
    tourney.simulate_results(bigint, bigint),
    tourney.tallies_rebuild(bigint),
    tourney.check_in(bigint, bigint[]),
    tourney.drop_unchecked(bigint),
    tourney.withdraw_player(bigint, bigint),
    tourney.schedule_sessions(bigint, timestamptz, int, int, int),
    tourney.delay_sessions(bigint, timestamptz, int, uuid),
    tourney.close_campus(bigint, bigint, timestamptz, timestamptz, uuid),
    tourney.submit_result(bigint, numeric[]),
    tourney.correct_result(bigint, numeric[], bool),
    tourney.submit_walkover(bigint, int),
    tourney.move_session(bigint, timestamptz, bigint, int, uuid),
    tourney.swap_sessions(bigint, bigint, uuid),
    tourney.swap_players(bigint, int, bigint, int, uuid),
    tourney.generation_status(uuid),
    tourney.wait_for_task(uuid, interval),
    tourney.cancel_task(uuid),
    tourney.run_scenario(int, text, int, int, bool, bigint, bool, text, int, int, text),
    tourney.rate_on_node(bigint, text, float8, float8),
    tourney.ratings_of_tournament(bigint),
    tourney.put_ratings(bigint[], float8[], float8[], float8[]),
    tourney.sync_ratings(bigint),
    tourney.update_ratings(bigint, text, float8, float8)
  FROM PUBLIC;
