#!/usr/bin/env perl
# report.pl: bench/run.sh's report from its JSON lines.
#   report.pl --jsonl FILE [--csv FILE] [--png FILE] [--baseline bench/baseline.json [--update-baseline]]
# Prints the tables (medians where a case ran more than once), writes the
# CSV (one row per measurement, phase and metric) and plots time per player
# against players with gnuplot (installed with apt-get when missing and root).
# With --baseline, compares the run's headline figures with the committed
# baseline and flags each one more than 30% worse (REGRESSION); with
# --update-baseline, writes them into it (for this run's mode, full or quick).
use strict;
use warnings;
use Getopt::Long;
use JSON::PP;
use List::Util qw(sum max);

my ($jsonl, $csv, $png, $baseline_file, $update_baseline);
GetOptions('jsonl=s' => \$jsonl, 'csv=s' => \$csv, 'png=s' => \$png, 'baseline=s' => \$baseline_file,
           'update-baseline' => \$update_baseline) or die "bad options\n";
open(my $in, '<', $jsonl) or die "report.pl: $jsonl: $!\n";
my @m = map { decode_json($_) } grep { /\S/ } <$in>;
close $in;

sub median {
    my @v = sort { $a <=> $b } grep { defined } @_;
    return undef unless @v;
    return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}
sub fmt {
    my ($v, $d) = @_;
    return '–' unless defined $v;
    $d //= 1;
    my $s = sprintf("%.${d}f", $v);
    1 while $s =~ s/^(-?\d+)(\d{3})/$1,$2/;
    return $s;
}
sub mb { defined $_[0] ? fmt($_[0] / 1024, 0) : '–' }
sub mill { defined $_[0] ? fmt($_[0] / 1e6, 1) : '–' }
# Display width of a string of UTF-8 bytes (–, ≤, µ count once).
sub dwidth { my $s = $_[0] // ''; return length($s) - (() = $s =~ /[\x80-\xBF]/g) }
sub table {
    my ($head, @rows) = @_;
    my @w = map { dwidth($_) } @$head;
    for my $r (@rows) { $w[$_] = max($w[$_] // 0, dwidth($r->[$_])) for 0 .. $#$r; }
    # the first column left-aligned, the others right-aligned; with
    # $main::left_last, the last one (notes) left-aligned too
    my $line = sub { my $r = $_[0];
                     my $l = join('  ', map { my $v = $r->[$_] // ''; my $pad = ' ' x ($w[$_] - dwidth($v));
                                              $_ == 0 || ($main::left_last && $_ == $#$head) ? "$v$pad" : "$pad$v" } 0 .. $#$r);
                     $l =~ s/\s+$//;
                     $l };
    print $line->($head), "\n", join('  ', map { '-' x $_ } @w), "\n";
    print $line->($_), "\n" for @rows;
    print "\n";
}
sub ph { my ($x, $p, $k) = @_; return $x->{phases}{$p} ? $x->{phases}{$p}{$k} : undef }

my ($settings) = grep { $_->{kind} eq 'settings' } @m;
my ($end) = grep { $_->{kind} eq 'run_end' } @m;

# ---- group repeated cases
my (%group, @order);
for my $x (@m) {
    next unless $x->{kind} =~ /^(scale|baseline|async|old_way)$/;
    my $key = join('|', $x->{kind}, $x->{format} // '', $x->{players} // '', $x->{rounds} // '');
    $key .= '|warm' if $x->{warm};
    $key .= "|$x->{variant}" if $x->{variant};
    push @order, $key unless $group{$key};
    push @{ $group{$key} }, $x;
}
sub gmed {    # median of a field (code ref) over a group
    my ($key, $f) = @_;
    return median(map { $f->($_) } @{ $group{$key} || [] });
}
my @phases = qw(create_players create_tournament enroll generate simulate rank complete);

# ---- CSV (tidy: one value a row; the run is the file's name)
if ($csv) {
    open(my $out, '>', $csv) or die "report.pl: $csv: $!\n";
    print $out "measurement,kind,format,players,rounds,variant,phase,metric,value\n";
    my $n = 0;
    for my $x (@m) {
        $n++;
        my @id = ($n, $x->{kind}, $x->{format} // '', $x->{players} // '',
                  $x->{rounds} // '', join('/', grep { defined } $x->{case}, $x->{mode}, $x->{order},
                                 $x->{tournaments} && "x$x->{tournaments}",
                                 $x->{kind} eq 'schedule' ? (($x->{warm} ? 'warm' : undef), ($x->{variant} || undef)) : ()));
        my $row = sub { my ($phase, $metric, $v) = @_;
                        return unless defined $v && !ref $v;
                        $v =~ s/"/""/g; $v = "\"$v\"" if $v =~ /[,"\n]/;
                        print $out join(',', @id, $phase, $metric, $v), "\n" };
        for my $p (sort keys %{ $x->{phases} || {} }) {
            $row->($p, $_, $x->{phases}{$p}{$_}) for sort keys %{ $x->{phases}{$p} };
        }
        for my $k (sort keys %$x) {
            next if $k eq 'phases' || $k eq 'run';
            if (ref $x->{$k} eq 'HASH') {
                for my $k2 (sort keys %{ $x->{$k} }) {
                    my $v = $x->{$k}{$k2};
                    $v = $v ? 'true' : 'false' if JSON::PP::is_bool($v);
                    if (ref $v eq 'HASH') {    # debug.scheduled, debug.checked
                        $row->("$k.$k2", $_, $v->{$_}) for sort keys %$v;
                        next;
                    }
                    $row->($k, $k2, $v) unless ref $v;
                }
            } else {
                my $v = $x->{$k};
                $v = $v ? 'true' : 'false' if JSON::PP::is_bool($v);
                $row->('', $k, $v);
            }
        }
    }
    close $out;
}

# ---- scale
my @scale = grep { /^scale\|/ } @order;
if (@scale) {
    print "== Scale: one fresh connection per run, synchronous generation (median of n runs)\n";
    print "   ms per phase; 'players' = INSERT of the synthetic players (set-up, not in the lifecycle);\n";
    print "   lifecycle = create_tournament + enroll + generate + simulate + rank + complete; rows/s = rows\n";
    print "   inserted+updated by the phase / its time; VmHWM = peak RSS incl. shared buffers touched;\n";
    print "   private = peak RssAnon (sampled every 10 ms and at each phase end); seq read M = millions of\n";
    print "   rows the lifecycle read by sequential scans; db M = millions of sessions in the database before\n";
    print "   the run; (warm) = backend warmed up by a 16-player tournament; (full db) = re-run after the big cases\n";
    my @rows;
    for my $k (@scale) {
        my $x = $group{$k}[0];
        push @rows, [($x->{format} eq 'individual_ranking' ? 'individual' : $x->{format}) . ($x->{warm} ? ' (warm)' : '')
                     . ($x->{variant} ? " ($x->{variant})" : ''),
                     fmt($x->{players}, 0), $x->{rounds} // '', fmt($x->{sessions}, 0), scalar @{ $group{$k} },
                     fmt(gmed($k, sub { ph($_[0], 'create_players', 'ms') })),
                     fmt(gmed($k, sub { (ph($_[0], 'create_tournament', 'ms') // 0) + (ph($_[0], 'enroll', 'ms') // 0) })),
                     (map { my $p = $_; fmt(gmed($k, sub { ph($_[0], $p, 'ms') })) } qw(generate simulate rank complete)),
                     fmt(gmed($k, sub { $_[0]{lifecycle_ms} })),
                     fmt(gmed($k, sub { $_[0]{us_per_player} })),
                     (map { my $p = $_; fmt(gmed($k, sub { ph($_[0], $p, 'rows_per_s') }), 0) } qw(generate simulate rank)),
                     mb(gmed($k, sub { $_[0]{vmhwm_kb} })), mb(gmed($k, sub { $_[0]{peak_anon_kb} })),
                     mill(gmed($k, sub { $_[0]{seq_rows_read} })),
                     mill(gmed($k, sub { $_[0]{db_sessions_before} })),
                     join(',', sort { $a cmp $b } keys %{{ map { ($_->{status} => 1) } @{ $group{$k} } }})];
    }
    table(['format', 'players', 'rounds', 'sessions', 'n', 'players ms', 'create+enrol', 'generate',
           'simulate', 'rank', 'complete', 'lifecycle ms', 'µs/player', 'gen rows/s', 'sim rows/s',
           'rank rows/s', 'VmHWM MB', 'private MB', 'seq read M', 'db M', 'status'], @rows);
}

# ---- baseline
my @base = grep { /^baseline\|/ } @order;
if (@base) {
    print "== Baseline: the same knockout rows by plain set-based SQL (same columns, indexes, fillfactor)\n";
    print "   ratio = tourney ms / baseline ms (median of n runs each; < 1 means tourney is faster)\n";
    my @rows;
    for my $bk (@base) {
        my $b = $group{$bk}[0];
        my $tk = "scale|knockout|$b->{players}|";
        for my $p (qw(enroll generate simulate rank), 'lifecycle') {
            my $f = sub { my $x = shift;
                          return $p eq 'lifecycle' ? sum(map { ph($x, $_, 'ms') // 0 } qw(enroll generate simulate rank))
                                                   : ph($x, $p, 'ms') };
            my $fr = sub { my $x = shift;
                           return $p eq 'lifecycle' ? sum(map { ph($x, $_, 'rows') // 0 } qw(enroll generate simulate rank))
                                                    : ph($x, $p, 'rows') };
            my $t = gmed($tk, $f);
            my $bm = gmed($bk, $f);
            push @rows, [fmt($b->{players}, 0), $p eq 'lifecycle' ? 'enroll..rank' : $p,
                         fmt(gmed($tk, $fr), 0), fmt(gmed($bk, $fr), 0), fmt($t), fmt($bm),
                         (defined $t && $bm ? fmt($t / $bm, 2) : '–'),
                         (defined $t && $t ? fmt(gmed($tk, $fr) * 1000 / $t, 0) : '–'),
                         ($bm ? fmt(gmed($bk, $fr) * 1000 / $bm, 0) : '–'),
                         scalar(@{ $group{$tk} || [] }) . '/' . scalar(@{ $group{$bk} })];
        }
    }
    table(['players', 'phase', 'tourney rows', 'baseline rows', 'tourney ms', 'baseline ms', 'ratio',
           'tourney rows/s', 'baseline rows/s', 'n'], @rows);
}
if ($group{'old_way|knockout|1024|'}) {
    my $old = gmed('old_way|knockout|1024|', sub { $_[0]{total_ms} });
    my $gen = gmed('scale|knockout|1024|', sub { ph($_[0], 'generate', 'ms') });
    print "== The old way: 1,024 sessions as 1,024 INSERT statements from a client (autocommit)\n";
    table(['what', 'ms', 'rows/s'],
          ['1,024 INSERT statements (sessions only)', fmt($old), fmt(1024 * 1000 / $old, 0)],
          ['tourney generate_sessions, 1,024 players (sessions + participants)', fmt($gen),
           $gen ? fmt(gmed('scale|knockout|1024|', sub { ph($_[0], 'generate', 'rows') }) * 1000 / $gen, 0) : '–'],
          ['ratio old / tourney', ($gen ? fmt($old / $gen, 1) . 'x' : '–'), '']);
}

# ---- async
my @async = grep { /^async\|/ } @order;
if (@async) {
    print "== Async generation (knockout): queue = the call + its commit; the task's own timings;\n";
    print "   worker memory sampled from /proc every 5 ms (best effort: a short-lived worker may be missed)\n";
    my @rows;
    for my $k (@async) {
        my $x = $group{$k}[0];
        push @rows, [fmt($x->{players}, 0) . ($x->{variant} ? " ($x->{variant})" : ''), scalar @{ $group{$k} },
                     fmt(gmed($k, sub { ph($_[0], 'queue', 'ms') }), 2),
                     fmt(gmed($k, sub { $_[0]{task}{queue_wait_ms} }), 2),
                     fmt(gmed($k, sub { $_[0]{task}{generation_ms} })),
                     fmt(gmed($k, sub { $_[0]{task}{db_write_ms} })),
                     fmt(gmed($k, sub { $_[0]{task}{queued_to_finished_ms} })),
                     fmt(gmed($k, sub { ph($_[0], 'wait', 'ms') })),
                     mb(gmed($k, sub { $_[0]{worker} ? $_[0]{worker}{vmhwm_kb} : undef })),
                     mb(gmed($k, sub { $_[0]{worker} ? $_[0]{worker}{peak_anon_kb} : undef })),
                     scalar(grep { $_->{task}{worker_reused} } @{ $group{$k} }),
                     join(',', map { $_->{task}{status} } @{ $group{$k} })];
    }
    table(['players', 'n', 'queue ms', 'queue_wait_ms', 'generation_ms', 'db_write_ms', 'queued→done ms',
           'wait ms', 'worker VmHWM MB', 'worker private MB', 'idle worker reused', 'task'], @rows);
    print "   (idle worker reused: runs whose task an idle worker of an earlier task took; the\n",
          "   others started a worker; a reused worker's VmHWM is its peak over all its tasks)\n";
}

# ---- concurrency
my @conc = grep { $_->{kind} eq 'concurrency' } @m;
if (@conc) {
    print "== Concurrency: K knockouts generated by K psql clients at once, or one after another\n";
    my %seq;
    $seq{"$_->{tournaments}|$_->{players}|$_->{mode}"} = $_ for grep { $_->{order} eq 'sequential' } @conc;
    my @rows;
    for my $x (@conc) {
        my $s = $seq{"$x->{tournaments}|$x->{players}|$x->{mode}"};
        push @rows, ["$x->{tournaments} x " . fmt($x->{players}, 0), $x->{mode}, $x->{order},
                     fmt($x->{wall_ms}), fmt($x->{tournaments_per_s}, 1), fmt($x->{sessions_per_s}, 0),
                     ($x->{order} eq 'concurrent' && $s ? fmt($s->{wall_ms} / $x->{wall_ms}, 2) . 'x' : ''),
                     fmt($x->{sessions}, 0) . '/' . fmt($x->{expected_sessions}, 0),
                     $x->{duplicate_session_ids} + $x->{duplicate_positions},
                     "$x->{tasks_done}/$x->{tournaments}", $x->{ok} ? 'ok' : "FAIL $x->{errors}"];
    }
    table(['tournaments', 'mode', 'order', 'wall ms', 'tournaments/s', 'sessions/s', 'speed-up',
           'sessions', 'duplicates', 'tasks done', 'check'], @rows);
}

# ---- live
my @live = grep { $_->{kind} eq 'live' } @m;
if (@live) {
    print "== Live load: individual ranking, 16,384 players x 10 rounds (163,840 sessions); pgbench -M prepared;\n";
    print "   32 clients submit_result to unused sessions while R clients read the top 20 of standings().\n";
    print "   The limits on this machine: 'plain UPDATE' writes the session and participant rows submit_result\n";
    print "   wrote before the tallies, by one SQL statement; 'plain, every row' also the tallies and progress rows\n";
    print "   it writes now; 'INSERT' is the smallest write transaction (one row and its commit)\n";
    my %writer = (submit => 'submit_result', plain => 'plain UPDATE', rows => 'plain, every row', commit => 'INSERT');
    my @rows;
    for my $x (@live) {
        my $label = $x->{variant} || 'small db';
        for my $r ([$writer{$x->{workload} // 'submit'}, $x->{submit}, 32],
                   ['standings', $x->{standings}, $x->{readers} // 4]) {
            my ($what, $s, $c) = @$r;
            next unless $s;
            push @rows, [$label, "$c x $what", $x->{seconds}, fmt($s->{transactions}, 0), fmt($s->{tps_pgbench}, $what eq 'standings' ? 1 : 0),
                         fmt($s->{p50_ms}, 2), fmt($s->{p95_ms}, 2), fmt($s->{p99_ms}, 2), fmt($s->{max_ms}, 1),
                         $s->{failed_transactions} // '?',
                         $what eq 'standings' ? '' : fmt($x->{results_submitted}, 0)
                             . ($x->{exhausted} ? ' EXHAUSTED' : '') . ($x->{ok} ? '' : ' CHECK FAILED')];
        }
    }
    table(['run', 'clients', 's', 'transactions', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'failed',
           'rows written'], @rows);
}
my @st = grep { $_->{kind} eq 'standings' } @m;
if (@st) {
    print "== standings() of the live tournament (16,384 players, 163,840 sessions), one call alone\n";
    print "   top 20 generic = EXPLAIN ANALYZE of the readers' statement (LIMIT 20) as a generic plan, its execution time\n";
    table(['database', 'results so far', 'ms', 'top 20 generic ms'],
          map { [$_->{variant} || 'small', fmt($_->{results}, 0), fmt($_->{total_ms}),
                 (($_->{top20_generic_plan} // '') =~ /Execution Time: ([\d.]+) ms/ ? fmt($1, 3) : '–')] } @st);
}
# ---- schedule (issue 14)
my (%sg, @sorder);
for my $x (grep { $_->{kind} eq 'schedule' } @m) {
    my $key = join('|', $x->{case}, $x->{players}, $x->{warm} ? 'warm' : '', $x->{variant} // '');
    push @sorder, $key unless $sg{$key};
    push @{ $sg{$key} }, $x;
}
sub smed {    # median of a field (code ref) over a schedule group
    my ($key, $f) = @_;
    return median(map { $f->($_) } @{ $sg{$key} || [] });
}
sub dbg { my ($x, $kind, $k) = @_; return $x->{debug} && $x->{debug}{$kind} ? $x->{debug}{$kind}{$k} : undef }
my %slabel = (schedule_sessions => 'schedule_sessions', plain_update => 'plain UPDATE (PostgreSQL)',
              move_session => 'move_session', swap_sessions => 'swap_sessions',
              delay_sessions => 'delay_sessions', close_campus => 'close_campus');
if (@sorder) {
    print "== Schedule (issue 14): knockouts, 30-minute sessions, 15 minutes' rest; each case in a fresh connection\n";
    print "   schedule_sessions on 16 campuses x 4 courts; ms = the call with its commit (median of n runs);\n";
    print "   load/place/write/check = its phases, from its DEBUG1 line; checks = the database-enforced invariants\n";
    print "   (the check phase); cold = first call of the backend, warm = a 16-player tournament scheduled first;\n";
    print "   plain UPDATE = the same sessions' starts_at, ends_at, court in a copy of tourney.sessions (same\n";
    print "   indexes, fillfactor), '+ bookings' = with an INSERT of the bookings rows (what schedule_sessions writes);\n";
    print "   live changes: K calls by pgbench, one client, each its own transaction: ms = median per call, p95;\n";
    print "   close_campus: 2,048-player knockout on 2 campuses x 1,024 courts, one campus closed for ~1,000 sessions\n";
    print "   (tourney's library is not preloaded: a cold call includes loading it)\n"
        if $settings && ($settings->{settings}{shared_preload_libraries} // '') !~ /tourney/;
    my @rows;
    for my $k (@sorder) {
        my $x = $sg{$k}[0];
        my $c = $x->{case};
        my $n = scalar @{ $sg{$k} };
        my $label = $slabel{$c} . ($x->{warm} ? ' (warm)' : $c =~ /^(schedule_sessions|close_campus)$/ ? ' (cold)' : '')
                  . ($x->{variant} ? " ($x->{variant})" : '');
        my ($ms, $p95, $load, $place, $write, $check, $share, $note);
        if ($c eq 'schedule_sessions') {
            $ms = smed($k, sub { $_[0]{ms} });
            $load = smed($k, sub { dbg($_[0], 'scheduled', 'load_ms') });
            $place = smed($k, sub { dbg($_[0], 'scheduled', 'place_ms') });
            $write = smed($k, sub { dbg($_[0], 'scheduled', 'write_ms') });
            $check = smed($k, sub { dbg($_[0], 'scheduled', 'check_ms') });
            $share = smed($k, sub { my $v = dbg($_[0], 'scheduled', 'check_ms'); defined $v && $_[0]{ms} ? 100 * $v / $_[0]{ms} : undef });
            my @bad = grep { ($_->{scheduled} // -1) != ($_->{sessions} // -2) || ($_->{bookings} // -1) != ($_->{sessions} // -2) } @{ $sg{$k} };
            my @lb = grep { $_->{result} && $_->{result}{makespan_minutes} != $_->{result}{lower_bound_minutes} } @{ $sg{$k} };
            $note = (@bad ? scalar(@bad) . ' runs NOT ALL SCHEDULED; ' : '')
                  . (@lb ? 'makespan > bound in ' . scalar(@lb) . ' runs' : 'makespan = bound');
        } elsif ($c eq 'plain_update') {
            $ms = smed($k, sub { $_[0]{ms} });
            $write = $ms;
            $note = '+ bookings: ' . fmt(smed($k, sub { $_[0]{with_bookings_ms} }), 1) . ' ms';
        } elsif ($c eq 'close_campus') {
            $ms = smed($k, sub { $_[0]{ms} });
            $check = smed($k, sub { dbg($_[0], 'checked', 'total_ms') });
            $share = smed($k, sub { my $v = dbg($_[0], 'checked', 'total_ms'); defined $v && $_[0]{ms} ? 100 * $v / $_[0]{ms} : undef });
            my %seen;
            $note = 'moved/expected, others shifted: '
                  . join(', ', grep { !$seen{$_}++ } map { ($_->{moved} // '?') . '/' . ($_->{expected} // '?') . ', '
                                                           . ($_->{shifted} // '?') } @{ $sg{$k} })
                  . ((grep { !$_->{ok} } @{ $sg{$k} }) ? ' CHECK FAILED' : ' (ok)');
        } else {
            $n = join('+', map { $_->{calls} } @{ $sg{$k} });
            $ms = smed($k, sub { $_[0]{median_ms} });
            $p95 = smed($k, sub { $_[0]{p95_ms} });
            $check = smed($k, sub { $_[0]{debug} ? $_[0]{debug}{checked_median}{total_ms} : undef });
            $share = defined $check && $ms ? 100 * $check / $ms : undef;
            # the DEBUG line's parts have 0.1 ms resolution
            ($check, $share) = ('< 0.1', undef) if defined $check && $check < 0.05;
            $note = ($x->{sessions_changed} // '?') . (($x->{sessions_changed} // 0) == 1 ? ' session' : ' sessions')
                  . ' a call; first call ' . fmt($x->{first_ms}, 1) . ' ms'
                  . ((grep { !$_->{ok} } @{ $sg{$k} }) ? ' FAILED: ' . substr($x->{errors} // '', 0, 120) : '');
        }
        push @rows, [$label, fmt($x->{players}, 0), fmt(smed($k, sub { $_[0]{sessions} }), 0), $n,
                     fmt($ms, 2), fmt($p95, 2), fmt($load), fmt($place), fmt($write),
                     (defined $check && $check =~ /^</ ? $check : fmt($check)),
                     defined $share ? fmt($share, 0) . '%' : '–',
                     mb(smed($k, sub { $_[0]{peak_anon_kb} })), $note];
    }
    {
        local $main::left_last = 1;
        table(['case', 'players', 'sessions', 'n', 'ms', 'p95 ms', 'load', 'place', 'write', 'checks', 'checks %',
               'private MB', 'notes'], @rows);
    }

    # what the checks cost, check by check, and PostgreSQL's own limit
    my @crows;
    for my $k (grep { /^(schedule_sessions|close_campus)\|/ } @sorder) {
        my $x = $sg{$k}[0];
        my @parts = qw(bookings courts players links rounds hours);
        push @crows, [$slabel{$x->{case}} . ($x->{warm} ? ' (warm)' : ' (cold)') . ($x->{variant} ? " ($x->{variant})" : ''),
                      fmt($x->{players}, 0),
                      (map { my $p = $_; fmt(smed($k, sub { dbg($_[0], 'checked', "${p}_ms") })) } @parts),
                      fmt(smed($k, sub { dbg($_[0], 'checked', 'total_ms') }))];
    }
    if (@crows) {
        print "   the checks, one by one (ms, median; from the functions' DEBUG1 lines)\n";
        table(['case', 'knockout of', 'bookings', 'courts', 'players', 'links', 'rounds', 'hours', 'total'], @crows);
    }
    my %players = map { $_->{players} => 1 } grep { $_->{kind} eq 'schedule' && $_->{case} eq 'schedule_sessions' } @m;
    for my $p (sort { $a <=> $b } keys %players) {
        for my $v ('', 'full db') {
            my $sk = "schedule_sessions|$p||$v";
            my $pk = "plain_update|$p||$v";
            next unless $sg{$sk} && $sg{$pk};
            my $t = smed($sk, sub { $_[0]{ms} });
            my $w = smed($sk, sub { dbg($_[0], 'scheduled', 'write_ms') });
            my $c = smed($sk, sub { dbg($_[0], 'scheduled', 'check_ms') });
            my $u = smed($pk, sub { $_[0]{ms} });
            my $ub = smed($pk, sub { $_[0]{with_bookings_ms} });
            my $sec = sub { my $v = shift; return '–' unless defined $v; return $p >= 100000 ? fmt($v / 1000, 2) . ' s' : fmt($v, 1) . ' ms' };
            printf "   %s: schedule_sessions writes %s rows in %s (cold, with its commit; write %s, checks %s),\n"
                 . "      PostgreSQL updates them in %s (%s with the bookings rows): %s the plain UPDATE, %s with bookings\n",
                   fmt($p, 0) . ($v ? " ($v)" : ''), fmt(smed($sk, sub { $_[0]{sessions} }), 0), $sec->($t), $sec->($w), $sec->($c),
                   $sec->($u), $sec->($ub), ($u ? fmt($t / $u, 1) . 'x' : '–'), ($ub ? fmt($t / $ub, 1) . 'x' : '–');
        }
    }
    print "\n";
}
# ---- reads and live load through pgbouncer (issue 15)
my @rsetup = grep { $_->{kind} eq 'reads_setup' } @m;
my @rconn = grep { $_->{kind} eq 'reads_connect' } @m;
my @rbig = grep { $_->{kind} eq 'reads_big' } @m;
my @rrate = grep { $_->{kind} eq 'reads_rate' } @m;
my @rcost = grep { $_->{kind} eq 'reads_cost' } @m;
my @rov = grep { $_->{kind} eq 'reads_overview' } @m;
my @rmix = grep { $_->{kind} eq 'reads_mix' } @m;
my @rspike = grep { $_->{kind} eq 'reads_spike' } @m;
sub sc { my ($x, $s) = @_; return $x && $x->{scripts} ? $x->{scripts}{$s} : undef }
# a run's failures: aborted clients, failed transactions, a pgbench error exit
sub rfail { my $x = shift; return undef unless $x; return ($x->{aborted_clients} // 0) + ($x->{failed_transactions} // 0)
                                                          + ($x->{all} ? $x->{all}{failed_in_log} // 0 : 0) + (($x->{rc} // 0) ? 1 : 0) }
# an open-loop level meets the target: p95 of both types <= 20 ms, no
# failure, every acknowledged result stored, >= 95% of the rate served
sub mix_ok {
    my ($x, $lim) = @_;
    $lim //= 20;
    my ($s, $u) = (sc($x, 'standings'), sc($x, 'submit'));
    return 0 unless $s && $u && defined $s->{p95_ms} && defined $u->{p95_ms};
    return $s->{p95_ms} <= $lim && $u->{p95_ms} <= $lim && !rfail($x) && ($x->{stored} // -1) == ($u->{transactions} // -2)
        && ($x->{all}{per_s} // 0) >= 0.95 * $x->{rate};
}
my $main_pool;
if (@rsetup || @rmix) {
    my $st = $rsetup[0] || {};
    $main_pool = @rmix ? (grep { ($_->{variant} // '') eq '' } @rmix)[-1]{pool} : undef;
    $main_pool //= $rconn[0]{pool} if @rconn;
    print "== Reads and live load through pgbouncer (issue 15): bench's own pgbouncer, transaction pooling,\n";
    print "   loopback, SCRAM, default_pool_size " . ($main_pool // '?') . ", max_client_conn >= 1,100; pgbench in the simple protocol\n";
    printf "   set-up: %s knockouts of %s players with the first round in (%s results; their rankings rows are\n"
         . "   the provisional standings written by the bench, read by an index on (tournament_id, rank) the bench adds),\n"
         . "   an individual ranking of %s x %s rounds with every result in, %s live individual rankings of %s players\n"
         . "   x %s rounds (%s open sessions, scheduled on 64 courts each, %s results in each before the load) for the\n"
         . "   open-loop load; %.1f s\n",
        fmt($st->{ko_count}, 0), fmt($st->{ko_players}, 0), fmt($st->{ko_results}, 0), fmt($st->{big_players}, 0),
        $st->{big_rounds} // '?', fmt($st->{mix_count}, 0), fmt($st->{mix_players}, 0), $st->{mix_rounds} // '?',
        fmt($st->{mix_sessions}, 0), $st->{mix_prefill} // 0, ($st->{wall_ms} // 0) / 1000;
    for my $c (@rconn) {
        printf "   %s clients logged in through pgbouncer in %s ms (pgbench's initial connection time; file limit %s)\n",
            fmt($c->{clients}, 0), fmt($c->{connect_ms}, 0), $c->{nofile} // '?';
    }
    print "\n";
}
if (@rrate) {
    print "== Top 20 through pgbouncer: standings(t) LIMIT 20 (standings) and standings(t, 20) (top) against 20 rankings\n";
    print "   rows by index, 100 clients closed loop,\n";
    print "   a random knockout per call, alternating; per s = requests/s (pgbench); load = load average at the end\n";
    table(['read', 'round', 'pool', 's', 'requests', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'failed', 'pgbouncer % core', 'load'],
          map { my $s = $_->{all};
                [$_->{what}, $_->{round}, $_->{pool}, $_->{seconds}, fmt($s->{transactions}, 0), fmt($s->{per_s}, 0),
                 fmt($s->{p50_ms}, 2), fmt($s->{p95_ms}, 2), fmt($s->{p99_ms}, 2), rfail($_),
                 fmt($_->{resources}{pgbouncer_cpu_pct}, 0), $_->{load}] } @rrate);
}
if (@rbig || @rcost) {
    my @rows;
    for my $x (@rbig) {
        my $s = $x->{all};
        push @rows, ["top 20, $x->{players} x $x->{rounds} individual ranking, $x->{path}", fmt($x->{calls}, 0),
                     defined $x->{cold_ms} && $x->{cold_ms} ne '' ? fmt($x->{cold_ms}, 2) : '', fmt($s->{p50_ms}, 3),
                     fmt($s->{p95_ms}, 3), fmt($s->{p99_ms}, 3), fmt($s->{per_s}, 0)];
    }
    for my $x (@rcost) {
        my $s = $x->{all};
        my %lbl = (rankings => 'rankings 20 rows (knockout)', standings => 'standings top 20 (live ranking, results in)',
                   top => 'standings(t, 20) (live ranking, results in)',
                   fresh => 'standings top 20 (1,024 players, no result yet)', submit => 'submit_result (live ranking)');
        push @rows, [($lbl{$x->{what}} // $x->{what}) . ", $x->{mode}, direct",
                     fmt($x->{calls}, 0), '', fmt($s->{p50_ms}, 3), fmt($s->{p95_ms}, 3), fmt($s->{p99_ms}, 3), fmt($s->{per_s}, 0)];
    }
    print "== One call alone: one client, K calls in one connection (simple protocol unless said); cold = a fresh\n";
    print "   connection's first call, timed in psql around the statement; direct = to the cluster, pgbouncer = through it\n";
    table(['call', 'calls', 'cold ms', 'p50 ms', 'p95 ms', 'p99 ms', 'per s'], @rows);
}
if (@rov) {
    print "== SELECT * FROM tourney.overview: one client straight to the cluster, K calls; rows = live tournaments\n";
    print "   (of them, the load's 1,024-player ones); progress rows = tourney.progress (one per tournament and backend);\n";
    print "   before it, the tournaments other sections left open were called off (" . ($rov[0]{others_cancelled} // '?')
        . "), except the live section's two\n";
    table(['phase', 'rows', 'of 1,024', 'progress rows', 'calls', 'cold ms', 'p50 ms', 'p95 ms', 'p99 ms'],
          map { my $s = $_->{all};
                [$_->{phase}, $_->{rows}, $_->{mix_rows}, fmt($_->{progress_rows}, 0), $_->{calls}, fmt($_->{cold_ms}, 2),
                 fmt($s->{p50_ms}, 2), fmt($s->{p95_ms}, 2), fmt($s->{p99_ms}, 2)] } @rov);
}
if (@rmix) {
    print "== Open loop through pgbouncer: 1,000 clients, pgbench -R, 80% standings(t, 20) of a random live tournament,\n";
    print "   20% submit_result of an open session; latency = each request's own (pgbench's time less its schedule lag),\n";
    print "   lag = how late pgbench sent it; served = requests/s over the logged window; failed = aborted clients +\n";
    print "   failed transactions; stored = new results in the tables vs submits acknowledged; busy = machine CPU,\n";
    print "   pgb/bench = pgbouncer's and pgbench's CPU in % of one core; wait = pgbouncer's mean wait for a server\n";
    print "   connection; av = autovacuum workers seen (max); ok = p95 <= 20 ms for both, no failure, all stored, >= 95% served\n";
    my @rows;
    for my $x (@rmix) {
        my ($s, $u) = (sc($x, 'standings'), sc($x, 'submit'));
        my $r = $x->{resources} || {};
        push @rows, [($x->{variant} ? "$x->{variant} " : '') . "pool $x->{pool}", fmt($x->{rate}, 0), fmt($x->{all}{per_s}, 0),
                     fmt($x->{window_s}, 1),
                     join(' / ', map { fmt($s->{$_}, 1) } qw(p50_ms p95_ms p99_ms)),
                     join(' / ', map { fmt($u->{$_}, 1) } qw(p50_ms p95_ms p99_ms)),
                     fmt($x->{all}{lag_p95_ms}, 1), rfail($x),
                     fmt($x->{stored}, 0) . '/' . fmt($u->{transactions}, 0) . (($x->{stored} // -1) == ($u->{transactions} // -2) ? '' : ' MISMATCH'),
                     fmt($r->{machine_busy_pct}, 0) . '%', fmt($r->{pgbouncer_cpu_pct}, 0) . '/' . fmt($r->{pgbench_cpu_pct}, 0),
                     fmt($r->{bouncer_wait_ms}, 1), $x->{autovacuum_max} // '', $x->{load_max} // '',
                     mix_ok($x) ? 'ok' : 'no'];
    }
    table(['pool', 'rate/s', 'served/s', 'window s', 'standings p50/p95/p99 ms', 'submit p50/p95/p99 ms', 'lag p95', 'failed',
           'stored/acked', 'busy', 'pgb/bench %', 'wait ms', 'av', 'load max', 'ok'], @rows);
}
for my $x (@rspike) {
    print "== Spike: 100 clients, then $x->{peak_clients} (" . ($x->{peak_clients} - 100) . " more for $x->{spike_seconds} s), then 100 again;\n";
    print "   open loop at $x->{per_client_rate} requests/s per client, the same 80/20 mix; one more client reads tourney.overview\n";
    print "   twice a second all along (the live monitor); latency as above\n";
    my @rows;
    my $seg = sub { my ($name, $y, $n) = @_; return unless $y;
                    my ($s) = $y;
                    push @rows, [$name, fmt($s->{transactions}, 0), fmt($s->{per_s}, 0), fmt($s->{p50_ms}, 1), fmt($s->{p95_ms}, 1),
                                 fmt($s->{p99_ms}, 1), fmt($s->{max_ms}, 1), fmt($s->{lag_p95_ms}, 1), $n // ''] };
    my $w = $x->{base}{windows} || {};
    $seg->('100 clients, before the spike', $w->{before});
    $seg->('100 clients, during the spike', $w->{during});
    $seg->('100 clients, after the spike', $w->{after});
    $seg->(($x->{peak_clients} - 100) . ' spike clients', $x->{peak}{all}, rfail($x->{peak}));
    $seg->('100 clients, whole run', $x->{base}{all}, rfail($x->{base}));
    $seg->('overview monitor', $x->{monitor}{all}, rfail($x->{monitor}));
    table(['who', 'requests', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'lag p95', 'failed'], @rows);
    my $acked = (sc($x->{base}, 'submit') // {})->{transactions} // 0;
    $acked += (sc($x->{peak}, 'submit') // {})->{transactions} // 0;
    printf "   results acknowledged %s, stored %s, sessions handed out %s: %s\n\n", fmt($acked, 0), fmt($x->{stored}, 0),
        fmt($x->{picked}, 0), $acked == $x->{stored} ? 'every acknowledged result stored' : 'MISMATCH';
}

# ---- ratings (issue 17)
my @rat = grep { $_->{kind} eq 'ratings' } @m;
sub rat { my ($case, $method, $n) = @_;
          return (grep { $_->{case} eq $case && ($_->{method} // '') eq ($method // '') && $_->{players} == $n } @rat)[0] }
my @rsizes = do { my %s = map { $_->{players} => 1 } @rat; sort { $a <=> $b } keys %s };
if (@rat) {
    print "== Ratings (issue 17): update_ratings of a completed knockout, one call in a fresh connection, timed with\n";
    print "   its commit; each method on a knockout and players of its own (never rated, vacuumed); rows = players\n";
    print "   updated + history rows inserted; VmHWM = peak RSS incl. shared buffers touched, private = peak RssAnon\n";
    print "   (sampled every 10 ms); plain = PostgreSQL's limit for the same writes in copies of the tables: one\n";
    print "   UPDATE of as many players' rows (rating, deviation, volatility) + one INSERT of their history rows\n";
    my @rows;
    for my $n (@rsizes) {
        my $pl = rat('plain', undef, $n);
        for my $x (grep { $_->{players} == $n } @rat) {
            my $rows = ph($x, $x->{case} eq 'plain' ? 'update' : 'update_ratings', 'rows');
            $rows += ph($x, 'history', 'rows') // 0 if $x->{case} eq 'plain';
            my $note = $x->{case} eq 'plain'
                ? 'UPDATE ' . fmt($x->{update_ms}, 1) . ' ms + INSERT ' . fmt($x->{history_ms}, 1) . ' ms'
                : fmt($x->{rated}, 0) . ' rated, ' . fmt($x->{history_rows}, 0) . ' history rows, ' . fmt($x->{games}, 0)
                  . ' games, ' . fmt($x->{moved}, 0) . ' ratings moved'
                  . ($pl && $pl->{ms} ? '; ' . fmt($x->{ms} / $pl->{ms}, 2) . 'x the plain writes' : '');
            push @rows, [$x->{case} eq 'plain' ? 'plain UPDATE + INSERT (PostgreSQL)' : "update_ratings, $x->{method}",
                         fmt($n, 0), fmt($x->{ms}, 1), fmt($x->{us_per_player}, 2), fmt($rows, 0),
                         $x->{ms} ? fmt(($rows // 0) * 1000 / $x->{ms}, 0) : '–',
                         mb($x->{vmhwm_kb}), mb($x->{peak_anon_kb}),
                         defined $x->{peak_anon_kb} ? fmt($x->{peak_anon_kb} * 1024 / $n, 0) : '–', $note];
        }
    }
    local $main::left_last = 1;
    table(['case', 'players', 'ms', 'µs/player', 'rows', 'rows/s', 'VmHWM MB', 'private MB', 'private B/player', 'notes'], @rows);
}

# ---- PL/Proxy (issue 16)
my @prx = grep { $_->{kind} eq 'proxy' } @m;
if (@prx) {
    print "== PL/Proxy (issue 16): 64-player knockout lifecycles (create, enroll, generate, simulate, rank, complete:\n";
    print "   six calls) by pgbench through a proxy with two data nodes, and the same calls on node 1 directly;\n";
    print "   three clusters of bench/proxy.sh's own on loopback (fsync off on all three)\n";
    my %direct = map { ($_->{clients} => $_) } grep { $_->{via} ne 'proxy' } @prx;
    table(['via', 'clients', 's', 'lifecycles/s', 'ms each', 'failed', 'proxy / direct'],
          map { my $d = $direct{$_->{clients}};
                [$_->{via} eq 'proxy' ? 'proxy (2 nodes)' : 'node 1 directly', $_->{clients}, $_->{seconds},
                 fmt($_->{lifecycles_per_s}, 1), fmt($_->{latency_ms}, 1), $_->{failed},
                 $_->{via} eq 'proxy' && $d && $d->{lifecycles_per_s} ? fmt($_->{lifecycles_per_s} / $d->{lifecycles_per_s}, 2) . 'x' : '']
              } @prx);
}

my @err = grep { $_->{kind} eq 'error' } @m;
if (@err) {
    print "== FAILED measurements: " . scalar(@err) . "\n";
    print "   ", substr($_->{output} // '', 0, 300), "\n" for @err;
    print "\n";
}

# ---- targets (issue 5)
{
    my @rows;
    my $t = sub { my ($what, $goal, $v, $ok) = @_; push @rows, [$what, $goal, $v // '–', !defined $ok ? '–' : $ok ? 'met' : 'MISSED'] };
    my $k1 = gmed('scale|knockout|1024|', sub { $_[0]{lifecycle_ms} });
    $t->('1,024-player knockout, lifecycle in one backend', '≤ 50 ms', defined $k1 ? fmt($k1) . ' ms' : undef,
         defined $k1 ? $k1 <= 50 : undef);
    my $k1w = gmed('scale|knockout|1024||warm', sub { $_[0]{lifecycle_ms} });
    my $k1f = gmed('scale|knockout|1024||full db', sub { $_[0]{lifecycle_ms} });
    $t->('  the same, after the big cases (full db)', '≤ 50 ms', defined $k1f ? fmt($k1f) . ' ms' : undef,
         defined $k1f ? $k1f <= 50 : undef);
    $t->('  the same, backend warmed up by a 16-player tournament', '≤ 50 ms', defined $k1w ? fmt($k1w) . ' ms' : undef,
         defined $k1w ? $k1w <= 50 : undef);
    my $k20 = gmed('scale|knockout|1048576|', sub { $_[0]{lifecycle_ms} });
    $t->('1,048,576-player knockout, lifecycle', '≤ 30 s', defined $k20 ? fmt($k20 / 1000, 1) . ' s' : undef,
         defined $k20 ? $k20 <= 30000 : undef);
    my $mem = gmed('scale|knockout|1048576|', sub { $_[0]{peak_anon_kb} });
    my $hwm = gmed('scale|knockout|1048576|', sub { $_[0]{vmhwm_kb} });
    $t->('1,048,576-player knockout, peak memory of the backend', '≤ 256 MB',
         defined $mem ? mb($mem) . ' MB private (VmHWM ' . mb($hwm) . ' MB incl. shared buffers)' : undef,
         defined $mem ? $mem <= 256 * 1024 : undef);
    for my $n (16384, 262144, 1048576) {
        my $tg = gmed("scale|knockout|$n|", sub { ph($_[0], 'generate', 'ms') });
        my $bg = gmed("baseline|knockout|$n|", sub { ph($_[0], 'generate', 'ms') });
        next unless defined $tg && defined $bg;
        $t->("generate_sessions throughput vs plain SQL, " . fmt($n, 0), '≥ 0.7x', fmt($bg / $tg, 2) . 'x', $bg / $tg >= 0.7);
    }
    my $a = gmed('scale|knockout|16384|', sub { $_[0]{us_per_player} });
    my $b = gmed('scale|knockout|1048576|', sub { $_[0]{us_per_player} });
    $t->('µs/player at 1,048,576 vs 16,384 (knockout)', '≤ 1.3x',
         defined $a && defined $b ? fmt($b / $a, 2) . 'x (' . fmt($b) . ' vs ' . fmt($a) . ')' : undef,
         defined $a && defined $b ? $b / $a <= 1.3 : undef);
    # Launches of the seeds' size, one after another as an application makes
    # them; the one large async run's queue wait is mostly its own queuing
    # call (validation counts the enrolments), shown in the async table.
    my @launch = grep { $_->{kind} eq 'async' && $_->{players} == 1024 } @m;
    my @q = map { ph($_, 'queue', 'ms') } @launch;
    my @w = map { $_->{task}{queue_wait_ms} } @launch;
    my @new = map { $_->{task}{queue_wait_ms} } grep { !$_->{task}{worker_reused} } @launch;
    my $runs = sub { ' (' . scalar(@_) . ' runs)' };
    $t->('async launch (queue call + commit), median, 1,024 players', '≤ 5 ms',
         @q ? fmt(median(@q), 2) . ' ms' . $runs->(@q) : undef, @q ? median(@q) <= 5 : undef);
    $t->('async queue wait, median, 1,024 players', '≤ 5 ms',
         @w ? fmt(median(@w), 2) . ' ms' . $runs->(@w) : undef, @w ? median(@w) <= 5 : undef);
    $t->('  the same, only tasks that started a new worker', '–',
         @new ? fmt(median(@new), 2) . ' ms' . $runs->(@new) : undef, undef);
    for my $x (grep { $_->{kind} eq 'live' && ($_->{workload} // 'submit') eq 'submit'
                      && ($_->{variant} // '') =~ /^(|no readers)$/ } @m) {
        my $w = $x->{variant} ? ' (no readers)' : ' (4 readers)';
        $t->("live load: p95 submit_result$w", '≤ 5 ms', fmt($x->{submit}{p95_ms}, 2) . ' ms', $x->{submit}{p95_ms} <= 5);
        $t->("live load: results/s$w", '≥ 5,000', fmt($x->{submit}{tps_pgbench}, 0), $x->{submit}{tps_pgbench} >= 5000);
    }
    # only when the run measured one of them (a run of some sections only)
    if (grep { $_->[2] ne '–' } @rows) {
        print "== Targets of issue 5\n";
        table(['target', 'goal', 'measured', ''], @rows);
    }
}

# ---- targets (issue 13): double elimination and groups -> knockout
{
    my @rows;
    my $t = sub { my ($what, $goal, $v, $ok) = @_; push @rows, [$what, $goal, $v // '–', !defined $ok ? '–' : $ok ? 'met' : 'MISSED'] };
    for my $n (1024, 1048576, 65536) {
        my $de = gmed("scale|double_elimination|$n|", sub { $_[0]{lifecycle_ms} });
        my $ko = gmed("scale|knockout|$n|", sub { $_[0]{lifecycle_ms} });
        next unless defined $de;
        $t->('double elimination lifecycle vs knockout, ' . fmt($n, 0), '≤ 2.5x',
             defined $ko ? fmt($de / $ko, 2) . 'x (' . fmt($de) . ' vs ' . fmt($ko) . ' ms)' : fmt($de) . ' ms',
             defined $ko ? $de / $ko <= 2.5 : undef);
        next if $n < 1048576;
        my $mem = gmed("scale|double_elimination|$n|", sub { $_[0]{peak_anon_kb} });
        $t->('double elimination, peak memory of the backend, ' . fmt($n, 0), '≤ 256 MB',
             defined $mem ? mb($mem) . ' MB private' : undef, defined $mem ? $mem <= 256 * 1024 : undef);
    }
    my $g = gmed('scale|groups_knockout|256|', sub { $_[0]{lifecycle_ms} });
    $t->('groups -> knockout lifecycle, 256 players (16 groups of 16)', 'reported',
         defined $g ? fmt($g) . ' ms' : undef, undef);
    if (grep { $_->[2] ne '–' } @rows) {
        print "== Targets of issue 13\n";
        table(['target', 'goal', 'measured', ''], @rows);
    }
}

# ---- targets (issue 14): scheduling
if (%sg) {
    my @rows;
    my $t = sub { my ($what, $goal, $v, $ok) = @_; push @rows, [$what, $goal, $v // '–', !defined $ok ? '–' : $ok ? 'met' : 'MISSED'] };
    my $runs = sub { my $k = shift; my $n = scalar @{ $sg{$k} || [] }; return $n > 1 ? " (median of $n)" : '' };
    for my $v (['', ''], ['full db', ', after the big cases (full db)']) {
        for my $w (['', 'cold'], ['warm', 'warm']) {
            my $k = "schedule_sessions|1024|$w->[0]|$v->[0]";
            next if $v->[0] && !$sg{$k};
            my $ms = smed($k, sub { $_[0]{ms} });
            $t->("schedule_sessions, 1,024-player knockout on 16 campuses, $w->[1]$v->[1]", '≤ 25 ms',
                 defined $ms ? fmt($ms, 1) . ' ms' . $runs->($k) : undef, defined $ms ? $ms <= 25 : undef);
        }
    }
    my $kb = 'schedule_sessions|1048576||';
    my $big = smed($kb, sub { $_[0]{ms} });
    $t->('schedule_sessions, 1,048,576-player knockout', '≤ 20 s', defined $big ? fmt($big / 1000, 2) . ' s' : undef,
         defined $big ? $big <= 20000 : undef);
    my $mem = smed($kb, sub { $_[0]{peak_anon_kb} });
    $t->('schedule_sessions, 1,048,576 players, peak memory of the backend', '≤ 256 MB',
         defined $mem ? mb($mem) . ' MB private (VmHWM ' . mb(smed($kb, sub { $_[0]{vmhwm_kb} })) . ' MB incl. shared buffers)' : undef,
         defined $mem ? $mem <= 256 * 1024 : undef);
    for my $c (qw(move_session swap_sessions delay_sessions)) {
        my $k = "$c|1024||";
        my $med = smed($k, sub { $_[0]{median_ms} });
        my $x = $sg{$k} ? $sg{$k}[0] : undef;
        $t->("live change uncontended: $c" . ($x ? " ($x->{sessions_changed} session" . ($x->{sessions_changed} == 1 ? '' : 's')
                                                  . "), median of $x->{calls} calls" : ''), '≤ 5 ms',
             defined $med ? fmt($med, 2) . ' ms (p95 ' . fmt(smed($k, sub { $_[0]{p95_ms} }), 2) . ' ms)' : undef,
             defined $med && $x->{ok} ? $med <= 5 : defined $med ? 0 : undef);
    }
    for my $w (['', 'cold'], ['warm', 'warm']) {
        my $k = "close_campus|2048|$w->[0]|";
        my $ms = smed($k, sub { $_[0]{ms} });
        my $moved = smed($k, sub { $_[0]{moved} });
        my $ok = !grep { !$_->{ok} } @{ $sg{$k} || [] };
        $t->("close_campus moving " . (defined $moved ? fmt($moved, 0) : '~1,000') . " sessions, $w->[1]", '≤ 100 ms',
             defined $ms ? fmt($ms, 1) . ' ms' . $runs->($k) . ($ok ? '' : ', WRONG COUNT') : undef,
             defined $ms ? $ms <= 100 && $ok : undef);
    }
    for my $p (1024, 1048576) {
        my $sk = "schedule_sessions|$p||";
        my $pk = "plain_update|$p||";
        next unless $sg{$sk};
        my $c = smed($sk, sub { dbg($_[0], 'scheduled', 'check_ms') });
        my $ms = smed($sk, sub { $_[0]{ms} });
        my $u = smed($pk, sub { $_[0]{ms} });
        my $f = sub { my $v = shift; $p >= 100000 ? fmt($v / 1000, 2) . ' s' : fmt($v, 1) . ' ms' };
        $t->('cost of the database-enforced invariants, ' . fmt($p, 0) . ' sessions', 'reported',
             defined $c && $ms ? $f->($c) . ' of ' . $f->($ms) . ' (' . fmt(100 * $c / $ms, 0) . '%)'
                 . (defined $u ? '; a plain UPDATE of the rows ' . $f->($u) : '') : undef, undef);
    }
    print "== Targets of issue 14\n";
    table(['target', 'goal', 'measured', ''], @rows);
}

# ---- targets (issue 15), the seeds' own targets, and the headline figures
my %headline;    # key => [value, unit, better (higher|lower), label]
sub hl { my ($k, $v, $u, $b, $l) = @_; $headline{$k} = [$v, $u, $b, $l] if defined $v }
{
    my @rows;
    my $t = sub { my ($what, $goal, $v, $ok) = @_; push @rows, [$what, $goal, $v // '–', !defined $ok ? '–' : $ok ? 'met' : 'MISSED'] };
    my @rk = map { $_->{all}{per_s} } grep { $_->{what} eq 'rankings' } @rrate;
    my @sd = map { $_->{all}{per_s} } grep { $_->{what} eq 'standings' } @rrate;
    my @tp = map { $_->{all}{per_s} } grep { $_->{what} eq 'top' } @rrate;
    my ($rk, $sd, $tp) = (median(@rk), median(@sd), median(@tp));
    # the target is the read a live board makes, standings(t, 20); the
    # inlined standings(t) LIMIT 20, planned by every call, is reported
    if (defined $rk && defined $tp && $rk > 0) {
        $t->('top 20 through pgbouncer: standings(t, 20) / rankings rate (100 clients, same knockouts, same run)', '≥ 0.7x',
             fmt($tp / $rk, 2) . 'x (' . fmt($tp, 0) . ' vs ' . fmt($rk, 0) . '/s, median of ' . scalar(@tp) . ')', $tp / $rk >= 0.7);
        hl('reads.top_vs_rankings', $tp / $rk, 'x', 'higher', 'top 20 by standings(t, 20) / rankings rate through pgbouncer');
        hl('reads.top_top20_per_s', $tp, 'requests/s', 'higher', 'standings(t, 20), 100 clients through pgbouncer');
    }
    if (defined $rk && defined $sd && $rk > 0) {
        $t->('  the same by standings(t) LIMIT 20 (inlined: parsed and planned by each call)', 'reported',
             fmt($sd / $rk, 2) . 'x (' . fmt($sd, 0) . ' vs ' . fmt($rk, 0) . '/s, median of ' . scalar(@sd) . ')', undef);
        hl('reads.standings_vs_rankings', $sd / $rk, 'x', 'higher', 'top 20 standings / rankings rate through pgbouncer');
        hl('reads.standings_top20_per_s', $sd, 'requests/s', 'higher', 'standings top 20, 100 clients through pgbouncer');
        hl('reads.rankings_top20_per_s', $rk, 'requests/s', 'higher', 'rankings 20 rows by index, 100 clients through pgbouncer');
    }
    my ($bd) = grep { $_->{path} eq 'direct' } @rbig;
    if ($bd) {
        my $lbl = fmt($bd->{players}, 0) . " x $bd->{rounds} individual ranking: top 20 standings";
        $t->("$lbl, p95 of " . fmt($bd->{calls}, 0) . ' calls (median ' . fmt($bd->{all}{p50_ms}, 3) . ' ms)', '≤ 5 ms',
             fmt($bd->{all}{p95_ms}, 3) . ' ms', $bd->{all}{p95_ms} <= 5);
        # reported: a fresh backend's first call also loads the catalog
        # entries it needs, which a pooled connection has long done
        $t->("  the same, one cold call (a fresh connection's first statement)", 'reported', fmt($bd->{cold_ms}, 2) . ' ms', undef)
            if defined $bd->{cold_ms} && $bd->{cold_ms} ne '';
        hl('reads.big_top20_p50_ms', $bd->{all}{p50_ms}, 'ms', 'lower', "$lbl, median");
        hl('reads.big_top20_p95_ms', $bd->{all}{p95_ms}, 'ms', 'lower', "$lbl, p95");
    }
    for my $o (grep { $_->{phase} !~ /diagnostic/ } @rov) {
        $t->("tourney.overview, $o->{rows} live tournaments ($o->{mix_rows} of 1,024 players), $o->{phase}: p95 of $o->{calls} calls"
             . ' (median ' . fmt($o->{all}{p50_ms}, 2) . ' ms, cold ' . fmt($o->{cold_ms}, 1) . ' ms)', '≤ 20 ms',
             fmt($o->{all}{p95_ms}, 2) . ' ms', $o->{all}{p95_ms} <= 20);
    }
    my ($ova) = grep { $_->{phase} eq 'after the load' } @rov;
    hl('reads.overview_p95_ms', $ova->{all}{p95_ms}, 'ms', 'lower', 'tourney.overview after the load, p95') if $ova;
    my @main = grep { ($_->{variant} // '') eq '' } @rmix;
    my ($best, $best200);
    for my $x (@main) {
        $best = $x->{rate} if mix_ok($x) && (!defined $best || $x->{rate} > $best);
        $best200 = $x->{rate} if mix_ok($x, 200) && (!defined $best200 || $x->{rate} > $best200);
    }
    if (@main) {
        my $rates = join(', ', map { fmt($_->{rate}, 0) } @main);
        $t->("1,000 clients open loop, 80/20: highest rate with p95 ≤ 20 ms for both, no failure, all served (of $rates)",
             '≥ 6,000/s', defined $best ? fmt($best, 0) . '/s' : 'none', defined $best && $best >= 6000);
        hl('reads.max_rate_p95_20ms', $best // 0, 'requests/s', 'higher', 'highest open-loop rate with p95 <= 20 ms and no failure');
        my $fails = 0;
        $fails += rfail($_) // 0 for @main;
        my $mism = grep { ($_->{stored} // -1) != ((sc($_, 'submit') // {})->{transactions} // -2) } @main;
        $t->('  the same runs: failed requests; runs where stored results ≠ acknowledged', '0; 0', "$fails; $mism", !$fails && !$mism);
    }
    for my $x (@rspike) {
        my $f = (rfail($x->{base}) // 0) + (rfail($x->{peak}) // 0) + (rfail($x->{monitor}) // 0);
        my $acked = ((sc($x->{base}, 'submit') // {})->{transactions} // 0) + ((sc($x->{peak}, 'submit') // {})->{transactions} // 0);
        $t->("spike 100 → $x->{peak_clients} → 100 clients: failed requests", '0', $f, !$f);
        $t->('  every acknowledged result stored (acknowledged vs new rows)', 'equal', fmt($acked, 0) . ' vs ' . fmt($x->{stored}, 0),
             $acked == $x->{stored});
        my $d = $x->{peak}{all};
        hl('reads.spike_peak_p95_ms', $d->{p95_ms}, 'ms', 'lower', 'spike clients, p95') if $d;
    }
    # issue 15: submit_result alone against PostgreSQL's plain SQL of the
    # same rows (live section): every row it writes (session, participant,
    # tallies, progress) is the target; the two rows it wrote before the
    # tallies (session, participant) show what the tallies cost
    my ($sub) = grep { $_->{kind} eq 'live' && ($_->{workload} // 'submit') eq 'submit' && ($_->{variant} // '') eq 'no readers' } @m;
    my ($pl) = grep { $_->{kind} eq 'live' && ($_->{workload} // '') eq 'plain' && ($_->{variant} // '') eq 'no readers' } @m;
    my ($rw) = grep { $_->{kind} eq 'live' && ($_->{workload} // '') eq 'rows' && ($_->{variant} // '') eq 'no readers' } @m;
    if ($sub && $rw && $rw->{submit}{tps_pgbench}) {
        my ($a, $b) = ($sub->{submit}{tps_pgbench}, $rw->{submit}{tps_pgbench});
        $t->('submit_result, 32 clients, no readers, vs one plain statement writing the same rows (session, participant, tallies, progress; same run)', '> 1x',
             fmt($a / $b, 2) . 'x (' . fmt($a, 0) . ' vs ' . fmt($b, 0) . ' results/s)', $a > $b);
        hl('live.submit_vs_rows', $a / $b, 'x', 'higher', 'submit_result / plain SQL of every row it writes, 32 clients');
    }
    if ($sub && $pl && $pl->{submit}{tps_pgbench}) {
        my ($a, $b) = ($sub->{submit}{tps_pgbench}, $pl->{submit}{tps_pgbench});
        $t->('  the same vs the plain UPDATE of the two rows it wrote before the tallies (session, participant)', 'reported',
             fmt($a / $b, 2) . 'x (' . fmt($a, 0) . ' vs ' . fmt($b, 0) . ' results/s; 1.53x before the tallies)', undef);
        hl('live.submit_vs_plain', $a / $b, 'x', 'higher', 'submit_result / plain UPDATE of two rows, 32 clients');
    }
    if ($sub) {
        hl('live.submit_per_s', $sub->{submit}{tps_pgbench}, 'results/s', 'higher', 'submit_result, 32 clients, no readers');
        hl('live.submit_p95_ms', $sub->{submit}{p95_ms}, 'ms', 'lower', 'submit_result p95, 32 clients, no readers');
    }
    if (@rows) {
        print "== Targets of issue 15 (SPEC 3c)\n";
        table(['target', 'goal', 'measured', ''], @rows);
    }

    # the seeds' targets, against the same measurements
    my @srows;
    my $s = sub { my ($what, $goal, $v, $ok) = @_; push @srows, [$what, $goal, $v // '–', !defined $ok ? '–' : $ok ? 'met' : 'MISSED'] };
    if (@main) {
        my ($at) = grep { $_->{rate} == ($best // -1) } @main;
        $at //= $main[0];
        my ($ps, $pu) = (sc($at, 'standings')->{p95_ms}, sc($at, 'submit')->{p95_ms});
        $s->("p95 per API call (a request through pgbouncer, 1,000 clients, at " . fmt($at->{rate}, 0) . '/s): standings; submit_result',
             '< 200 ms', fmt($ps, 1) . ' ms; ' . fmt($pu, 1) . ' ms', $ps < 200 && $pu < 200);
        $s->('  highest open-loop rate with p95 < 200 ms for both and no failure', '–',
             defined $best200 ? fmt($best200, 0) . '/s' : 'none', undef);
    }
    my @q = grep { defined } (map { $_->{all}{p95_ms} } @rbig, (grep { $_->{phase} !~ /diagnostic/ } @rov), @rcost);
    if (@q) {
        my $mx = max(@q);
        $s->('p95 per database query (every single-connection call above: standings, rankings, submit_result, overview)',
             '< 50 ms', 'at most ' . fmt($mx, 2) . ' ms', $mx < 50);
    }
    $s->('requests/s at peak (our p95 ≤ 20 ms criterion)', '200/s', defined $best ? fmt($best, 0) . '/s' : 'none',
         defined $best ? $best >= 200 : 0) if @main;
    if (@main || @rspike) {
        my $n = grep { ($_->{clients} // 0) >= 1000 } @main;
        my $f = 0;
        $f += rfail($_) // 0 for @main;
        $f += (rfail($_->{base}) // 0) + (rfail($_->{peak}) // 0) for @rspike;
        $s->("1,000 concurrent users (client connections held through pgbouncer): $n open-loop runs and the spike", '1,000',
             "1,000, $f failed requests", !$f);
    }
    if (@srows) {
        print "== The seeds' own targets, for comparison\n";
        table(['target', 'goal', 'measured', ''], @srows);
    }
}

# ---- targets (issue 16): PL/Proxy
if (@prx) {
    my @rows;
    my %direct = map { ($_->{clients} => $_) } grep { $_->{via} ne 'proxy' } @prx;
    for my $x (grep { $_->{via} eq 'proxy' } @prx) {
        my $d = $direct{$x->{clients}};
        next unless $d && $d->{lifecycles_per_s};
        my $r = $x->{lifecycles_per_s} / $d->{lifecycles_per_s};
        push @rows, ["64-player knockout lifecycles/s through the proxy vs directly, $x->{clients} client"
                     . ($x->{clients} == 1 ? '' : 's') . ' (same run)', 'reported',
                     fmt($r, 2) . 'x (' . fmt($x->{lifecycles_per_s}, 1) . ' vs ' . fmt($d->{lifecycles_per_s}, 1) . '/s)'
                     . ($x->{failed} || $d->{failed} ? ", FAILED $x->{failed}+$d->{failed}" : ''),
                     $x->{failed} || $d->{failed} ? 'MISSED' : '–'];
        hl("proxy.lifecycles_per_s_c$x->{clients}", $x->{lifecycles_per_s}, 'lifecycles/s', 'higher',
           "lifecycles/s through the proxy, $x->{clients} client" . ($x->{clients} == 1 ? '' : 's'));
        hl("proxy.vs_direct_c$x->{clients}", $r, 'x', 'higher', "proxy / direct lifecycles, $x->{clients} client" . ($x->{clients} == 1 ? '' : 's'));
    }
    if (@rows) {
        print "== Targets of issue 16\n";
        table(['target', 'goal', 'measured', ''], @rows);
    }
}

# ---- targets (issue 17): ratings
if (@rat) {
    my @rows;
    my $t = sub { my ($what, $goal, $v, $ok) = @_; push @rows, [$what, $goal, $v // '–', !defined $ok ? '–' : $ok ? 'met' : 'MISSED'] };
    my $big = $rsizes[-1];
    my $at1m = $big == 1048576;
    for my $method (qw(glicko2 elo)) {
        my $x = rat('update_ratings', $method, $big);
        next unless $x;
        my $ok = $x->{rated} == $big && $x->{history_rows} == $big;
        $t->("update_ratings ($method), completed knockout of " . fmt($big, 0) . ($at1m ? '' : ' (the target is for 1,048,576)'),
             '≤ 5 s', fmt($x->{ms} / 1000, 2) . ' s' . ($ok ? '' : ', WRONG COUNT: ' . fmt($x->{rated}, 0) . ' rated'),
             $at1m ? $x->{ms} <= 5000 && $ok : $ok ? undef : 0);
        hl("ratings.${method}_${big}_ms", $x->{ms}, 'ms', 'lower', "update_ratings ($method), " . fmt($big, 0) . ' players');
        my $pl = rat('plain', undef, $big);
        if ($pl && $pl->{ms}) {
            $t->("  the same against the plain UPDATE of the players' rows + INSERT of the history (same run)", 'reported',
                 fmt($x->{ms} / $pl->{ms}, 2) . 'x (' . fmt($x->{ms}, 0) . ' vs ' . fmt($pl->{ms}, 0) . ' ms; UPDATE alone '
                 . fmt($pl->{update_ms}, 0) . ' ms)', undef);
            hl("ratings.${method}_vs_plain", $x->{ms} / $pl->{ms}, 'x', 'lower', "update_ratings ($method) / plain writes");
        }
    }
    # memory: the peak private memory of the backend at every size
    for my $method (qw(glicko2 elo)) {
        my @xs = grep { $_ } map { rat('update_ratings', $method, $_) } @rsizes;
        next unless @xs && defined $xs[-1]{peak_anon_kb};
        my $mx = $xs[-1]{peak_anon_kb};
        $t->("update_ratings ($method), the backend's peak private memory at " . join(' / ', map { fmt($_->{players}, 0) } @xs)
             . ' players', 'flat (≤ 256 MB)', join(' / ', map { mb($_->{peak_anon_kb}) } @xs) . ' MB (VmHWM '
             . join(' / ', map { mb($_->{vmhwm_kb}) } @xs) . ' MB)', $at1m ? $mx <= 256 * 1024 : undef);
        hl("ratings.${method}_${big}_private_kb", $mx, 'kB', 'lower', "update_ratings ($method), " . fmt($big, 0) . ' players, peak private memory');
    }
    print "== Targets of issue 17\n";
    table(['target', 'goal', 'measured', ''], @rows);
}

# ---- headline figures of the other sections, and the committed baseline
{
    my $k1 = gmed('scale|knockout|1024|', sub { $_[0]{lifecycle_ms} });
    hl('scale.knockout_1024_lifecycle_ms', $k1, 'ms', 'lower', '1,024-player knockout lifecycle');
    my $k20 = gmed('scale|knockout|1048576|', sub { $_[0]{lifecycle_ms} });
    hl('scale.knockout_1048576_lifecycle_ms', $k20, 'ms', 'lower', '1,048,576-player knockout lifecycle');
    hl('scale.knockout_1048576_private_kb', gmed('scale|knockout|1048576|', sub { $_[0]{peak_anon_kb} }), 'kB', 'lower',
       '1,048,576-player knockout, peak private memory');
    my $k64 = gmed('scale|knockout|65536|', sub { $_[0]{lifecycle_ms} });
    hl('scale.knockout_65536_lifecycle_ms', $k64, 'ms', 'lower', '65,536-player knockout lifecycle (quick size)');
    my @q = map { ph($_, 'queue', 'ms') } grep { $_->{kind} eq 'async' && $_->{players} == 1024 } @m;
    hl('async.launch_1024_ms', median(@q), 'ms', 'lower', 'async launch, 1,024 players, median') if @q;
    my $sc = smed('schedule_sessions|1024||', sub { $_[0]{ms} });
    hl('schedule.sessions_1024_cold_ms', $sc, 'ms', 'lower', 'schedule_sessions, 1,024-player knockout, cold');
    my ($l4) = grep { $_->{kind} eq 'live' && ($_->{workload} // 'submit') eq 'submit' && ($_->{variant} // '') eq '' } @m;
    hl('live.submit_4readers_per_s', $l4->{submit}{tps_pgbench}, 'results/s', 'higher', 'submit_result, 32 clients beside 4 readers')
        if $l4;
    my ($pl) = grep { $_->{kind} eq 'live' && ($_->{workload} // '') eq 'plain' && ($_->{variant} // '') eq 'no readers' } @m;
    hl('live.plain_update_per_s', $pl->{submit}{tps_pgbench}, 'results/s', 'higher', 'plain UPDATE of two rows (session, participant), 32 clients')
        if $pl;
    my ($rw) = grep { $_->{kind} eq 'live' && ($_->{workload} // '') eq 'rows' && ($_->{variant} // '') eq 'no readers' } @m;
    hl('live.plain_rows_per_s', $rw->{submit}{tps_pgbench}, 'results/s', 'higher', 'plain SQL of every row submit_result writes, 32 clients')
        if $rw;
}
# bench/baseline.json: {"modes": {"full": {KEY: {value, unit, better, label}}, "quick": {...}}, ...}.
# A figure more than 30% worse than its baseline is flagged; the run does
# not fail.  --update-baseline (TOURNEY_BENCH_UPDATE_BASELINE=1 make bench)
# writes this run's figures into it (the others stay as they were).
if (%headline) {
    my $mode = $settings && $settings->{quick} ? 'quick' : 'full';
    my $base = {};
    if ($baseline_file && open(my $bf, '<', $baseline_file)) {
        local $/;
        $base = eval { JSON::PP->new->decode(<$bf>) } || {};
        close $bf;
    }
    my $b = ($base->{modes} || {})->{$mode} || {};
    my (@rows, @reg);
    for my $k (sort keys %headline) {
        my ($v, $u, $better, $label) = @{ $headline{$k} };
        my $bv = $b->{$k} ? $b->{$k}{value} : undef;
        my ($chg, $flag) = ('', 'no baseline');
        if (defined $bv && $bv > 0) {
            my $worse = $better eq 'higher' ? ($bv - $v) / $bv : ($v - $bv) / $bv;
            $chg = sprintf('%+.0f%%', 100 * ($v - $bv) / $bv);
            # the baseline keeps 4 significant digits: under 0.5% is the same
            $flag = $worse > 0.3 ? 'REGRESSION' : $worse > 0.005 ? 'worse' : 'same or better';
            push @reg, "$k ($chg)" if $worse > 0.3;
        } elsif (defined $bv) {
            $flag = 'baseline 0: not compared';
        }
        push @rows, [$label, $k, $u, $better, fmt($v, $v < 10 ? 3 : $v < 1000 ? 1 : 0),
                     defined $bv ? fmt($bv, $bv < 10 ? 3 : $bv < 1000 ? 1 : 0) : '–', $chg, $flag];
    }
    printf "== Headline figures against bench/baseline.json (%s mode%s); REGRESSION = more than 30%% worse\n", $mode,
        $b && $base->{modes} && $base->{modes}{$mode} ? ', baseline of run ' . ($base->{runs}{$mode} // '?') : '';
    table(['figure', 'key', 'unit', 'better', 'this run', 'baseline', 'change', ''], @rows);
    print "   REGRESSION (more than 30% worse than bench/baseline.json; the run does not fail on it): "
        . join(', ', @reg) . "\n\n" if @reg;
    if ($update_baseline && $baseline_file) {
        $base->{comment} //= 'Headline figures of make bench (bench/report.pl compares each run with them and flags any figure '
            . 'more than 30% worse). Written by bench/report.pl --update-baseline (TOURNEY_BENCH_UPDATE_BASELINE=1 make bench); '
            . 'each mode holds the figures of the run named in runs, measured on the 2-core machine with the load average in loads.';
        for my $k (keys %headline) {
            my ($v, $u, $better, $label) = @{ $headline{$k} };
            $base->{modes}{$mode}{$k} = { value => 0 + sprintf('%.4g', $v), unit => $u, better => $better, label => $label };
        }
        $base->{runs}{$mode} = $m[0]{run};
        $base->{commits}{$mode} = $settings ? $settings->{commit} : undef;
        $base->{loads}{$mode} = ($settings->{machine}{uptime_start} =~ /load average: (.*)/)[0] // '?';
        $base->{loads}{$mode} .= ' (start); ' . (($end && $end->{uptime_end} =~ /load average: (.*)/) ? $1 : '?') . ' (end)';
        open(my $bo, '>', $baseline_file) or die "report.pl: $baseline_file: $!\n";
        print $bo JSON::PP->new->canonical->pretty->encode($base);
        close $bo;
        print "   baseline updated: $baseline_file ($mode mode, run $m[0]{run})\n\n";
    }
}

# ---- plot
if ($png && @scale) {
    my %series;
    my ($xmin, $xmax);
    for my $k (@scale, @base) {
        my $x = $group{$k}[0];
        next if $x->{warm} || $x->{variant};
        $xmin = $x->{players} if !defined $xmin || $x->{players} < $xmin;
        $xmax = $x->{players} if !defined $xmax || $x->{players} > $xmax;
        my $name = $x->{kind} eq 'baseline' ? 'plain SQL baseline (knockout rows)'
                 : $x->{format} eq 'individual_ranking' ? "individual ranking x $x->{rounds} rounds"
                 : $x->{format} eq 'swiss' ? "swiss x $x->{rounds} rounds"
                 : $x->{format} eq 'round_robin' ? 'round robin (single)' : $x->{format};
        my $v = $x->{kind} eq 'baseline'
            ? gmed($k, sub { sum(map { ph($_[0], $_, 'ms') // 0 } qw(enroll generate simulate rank)) * 1000 / $_[0]{players} })
            : gmed($k, sub { $_[0]{us_per_player} });
        push @{ $series{$name} }, [$x->{players}, $v];
    }
    my $gp = system("command -v gnuplot >/dev/null 2>&1") == 0;
    if (!$gp && $> == 0) {
        print STDERR "report.pl: installing gnuplot-nox for the plot\n";
        system('apt-get install -y -q --no-install-recommends gnuplot-nox >/dev/null 2>&1 || '
               . '(apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends gnuplot-nox >/dev/null 2>&1)');
        $gp = system("command -v gnuplot >/dev/null 2>&1") == 0;
    }
    if ($gp) {
        (my $dat = $png) =~ s/\.png$/.plot.dat/;
        open(my $d, '>', $dat) or die;
        my @names = sort keys %series;
        for my $s (@names) {
            print $d "# $s\n";
            print $d "$_->[0] $_->[1]\n" for sort { $a->[0] <=> $b->[0] } @{ $series{$s} };
            print $d "\n\n";
        }
        close $d;
        my $title = "tourney: lifecycle time per player (median), run $m[0]{run}";
        my $plots = join(', ', map { sprintf(q{'%s' index %d with linespoints lw 2 pt 7 title '%s'}, $dat, $_, $names[$_]) } 0 .. $#names);
        open(my $g, '|-', 'gnuplot') or die;
        print $g <<"GP";
set terminal pngcairo size 1000,620 noenhanced font 'sans,10'
set output '$png'
set title '$title'
set logscale x 2
set xrange [@{[ $xmin / 1.25 ]}:@{[ $xmax * 1.25 ]}]
set logscale y 10
set format x '%.0f'
set xlabel 'players (log scale)'
set ylabel 'µs per player (create_tournament .. complete; baseline: enroll .. rank)'
set grid
set key inside top right opaque box
plot $plots
GP
        close $g;
        unlink $dat;
        print "plot: $png\n" if -s $png;
    } else {
        print "plot: gnuplot not available (apt-get install gnuplot-nox)\n";
    }
}
printf "load average: start %s; end %s\n", ($settings->{machine}{uptime_start} =~ /load average: (.*)/)[0] // '?',
    ($end && $end->{uptime_end} =~ /load average: (.*)/ ? $1 : '?');
print "files: $jsonl" . ($csv ? ", $csv" : '') . ($png && -s $png ? ", $png" : '') . "\n";
