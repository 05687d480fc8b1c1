#!/usr/bin/env perl
# reads_stats.pl: one JSON object for a pgbench run of the reads section of
# bench/run.sh (issue 15), from pgbench's per-transaction logs and summary.
#   reads_stats.pl --log PREFIX --out FILE [--rc N] [--times FILE]
#                  [--scripts name,name,...] [--meta JSON]
#                  [--before SNAP.json --after SNAP.json] [--split PREFIX]
# Log lines (pgbench --log): client_id transaction_no time script_no
# time_epoch time_us [schedule_lag]; with -R, "time" runs from the
# transaction's scheduled start, so the request's own latency (what a user
# whose request was sent feels) is time - schedule_lag; both are reported,
# and the lag itself (how late pgbench could send: the client side keeping
# up, or a client still waiting for its previous request).  A "failed"
# time is a failed transaction; clients that pgbench aborted after an error
# are counted from its output ("aborted").
# --scripts names the scripts in -f order (script_no 0, 1, ...).
# --before/--after: snapshots by bench/reads_snap.pl (CPU of the machine,
# of pgbouncer, pgbouncer's SHOW STATS), turned into per-second figures.
# --split PREFIX: also the figures of this run's transactions that ended
# before, during and after the transactions of the run logged at PREFIX (the
# spike).
use strict;
use warnings;
use Getopt::Long;
use JSON::PP;

my %o = (scripts => 'all', rc => 0);
GetOptions(\%o, 'log=s', 'out=s', 'rc=i', 'times=s', 'scripts=s', 'meta=s', 'before=s', 'after=s',
           'split=s') or die "bad options\n";
my @names = split /,/, $o{scripts};

sub pct {
    my ($sorted, $p) = @_;
    return undef unless @$sorted;
    my $i = int($p / 100 * @$sorted + 0.999999) - 1;    # nearest rank
    $i = 0 if $i < 0;
    $i = $#$sorted if $i > $#$sorted;
    return $sorted->[$i];
}
sub r3 { defined $_[0] ? 0 + sprintf('%.3f', $_[0]) : undef }
sub slurp { my $f = shift; return '' unless defined $f && open(my $fh, '<', $f); local $/; my $s = <$fh>; return $s // '' }

# rows: [script, latency_us (excl. lag), lag_us, end_us, failed]
sub read_logs {
    my $prefix = shift;
    my @rows;
    for my $f (sort glob("$prefix.*")) {
        open(my $fh, '<', $f) or next;
        while (<$fh>) {
            my @c = split;
            next unless @c >= 6;
            my $end = $c[4] * 1e6 + $c[5];
            if ($c[2] !~ /^\d+$/) { push @rows, [$c[3], undef, undef, $end, 1]; next; }
            my $lag = @c >= 7 && $c[6] =~ /^\d+$/ ? $c[6] : 0;
            push @rows, [$c[3], $c[2] - $lag, $lag, $end, 0];
        }
        close $fh;
    }
    return \@rows;
}

sub summarize {
    my ($rows, $secs) = @_;
    my (@lat, @tot, @lag, $failed, $first, $last);
    $failed = 0;
    for my $r (@$rows) {
        if ($r->[4]) { $failed++; next; }
        push @lat, $r->[1] / 1000.0;
        push @tot, ($r->[1] + $r->[2]) / 1000.0;
        push @lag, $r->[2] / 1000.0;
        my $start = $r->[3] - $r->[1] - $r->[2];
        $first = $start if !defined $first || $start < $first;
        $last = $r->[3] if !defined $last || $r->[3] > $last;
    }
    @lat = sort { $a <=> $b } @lat;
    @tot = sort { $a <=> $b } @tot;
    @lag = sort { $a <=> $b } @lag;
    my $sum = 0;
    $sum += $_ for @lat;
    my $span = defined $first ? ($last - $first) / 1e6 : undef;
    return {
        transactions => scalar(@lat), failed_in_log => $failed,
        per_s => ($secs ? r3(@lat / $secs) : $span ? r3(@lat / $span) : undef),
        span_s => r3($span),
        mean_ms => (@lat ? r3($sum / @lat) : undef),
        p50_ms => r3(pct(\@lat, 50)), p95_ms => r3(pct(\@lat, 95)), p99_ms => r3(pct(\@lat, 99)),
        max_ms => (@lat ? r3($lat[-1]) : undef),
        p95_with_lag_ms => r3(pct(\@tot, 95)), p99_with_lag_ms => r3(pct(\@tot, 99)),
        lag_p50_ms => r3(pct(\@lag, 50)), lag_p95_ms => r3(pct(\@lag, 95)),
    };
}

my $rows = read_logs($o{log});
my $summary = slurp($o{out});
my ($tps) = $summary =~ /tps = ([\d.]+) \(without initial connection time\)/;
my ($conn) = $summary =~ /initial connection time = ([\d.]+) ms/;
my ($nfail) = $summary =~ /number of failed transactions: (\d+)/;
my @aborted = grep { /aborted|error|fatal/i && !/^\s*-?\s*number of failed/ } split /\n/, $summary;
# the rate over the logged window: from the first transaction's start to
# the last one's end (pgbench's -T also counts the time its clients take to
# connect, 1,000 SCRAM logins included)
my ($w0, $w1);
for my $r (grep { !$_->[4] } @$rows) {
    my $start = $r->[3] - $r->[1] - $r->[2];
    $w0 = $start if !defined $w0 || $start < $w0;
    $w1 = $r->[3] if !defined $w1 || $r->[3] > $w1;
}
my $window = defined $w0 && $w1 > $w0 ? ($w1 - $w0) / 1e6 : undef;
my $res = {
    rc => $o{rc}, tps_pgbench => defined $tps ? 0 + $tps : undef,
    connect_ms => defined $conn ? 0 + $conn : undef,
    failed_transactions => defined $nfail ? 0 + $nfail : undef,
    aborted_clients => scalar(grep { /aborted/i } @aborted),
    errors => substr(join(' | ', @aborted[0 .. ($#aborted < 4 ? $#aborted : 4)]), 0, 1200),
    window_s => r3($window),
    all => summarize($rows, $window),
};
# second by second (from the window's start): requests ended, their p95
if (defined $w0) {
    my %sec;
    push @{ $sec{int(($_->[3] - $w0) / 1e6)} }, $_->[1] / 1000.0 for grep { !$_->[4] } @$rows;
    $res->{timeline} = [map { my @l = sort { $a <=> $b } @{ $sec{$_} }; [$_, scalar(@l), r3(pct(\@l, 95))] }
                        sort { $a <=> $b } keys %sec];
}
my %by;
push @{ $by{$_->[0]} }, $_ for @$rows;
for my $i (sort { $a <=> $b } keys %by) {
    my $name = $names[$i] // "script$i";
    $res->{scripts}{$name} = summarize($by{$i}, $window);
}
if ($o{split}) {
    my $spike = read_logs($o{split});
    my ($from, $to);
    for my $r (grep { !$_->[4] } @$spike) {
        my $start = $r->[3] - $r->[1] - $r->[2];
        $from = $start if !defined $from || $start < $from;
        $to = $r->[3] if !defined $to || $r->[3] > $to;
    }
    if (defined $from) {
        my %w;
        for my $r (@$rows) {
            my $k = $r->[3] < $from ? 'before' : $r->[3] <= $to ? 'during' : 'after';
            push @{ $w{$k} }, $r;
        }
        $res->{windows}{$_} = summarize($w{$_} || [], undef) for qw(before during after);
        $res->{windows}{spike_s} = r3(($to - $from) / 1e6);
    }
}
if (my $t = slurp($o{times})) {
    # bash "times": the shell's line, then its children's (pgbench)
    my @l = split /\n/, $t;
    if (($l[1] // '') =~ /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/) {
        $res->{pgbench_cpu_s} = r3($1 * 60 + $2 + $3 * 60 + $4);
    }
}
if ($o{before} && $o{after}) {
    my ($b, $a) = map { my $s = slurp($_); $s =~ /\{/ ? decode_json($s) : undef } $o{before}, $o{after};
    if ($b && $a && $a->{t} > $b->{t}) {
        my $wall = $a->{t} - $b->{t};
        my %r = (wall_s => r3($wall));
        if ($a->{cpu_all} > $b->{cpu_all}) {
            $r{machine_busy_pct} = r3(100 * ($a->{cpu_busy} - $b->{cpu_busy}) / ($a->{cpu_all} - $b->{cpu_all}));
        }
        $r{pgbouncer_cpu_pct} = r3(100 * ($a->{bouncer_ticks} - $b->{bouncer_ticks}) / $a->{hz} / $wall)
            if defined $a->{bouncer_ticks} && defined $b->{bouncer_ticks};
        $r{pgbench_cpu_pct} = r3(100 * $res->{pgbench_cpu_s} / $wall) if defined $res->{pgbench_cpu_s};
        my ($sa, $sb) = ($a->{stats} || {}, $b->{stats} || {});
        my $dx = ($sa->{total_xact_count} // 0) - ($sb->{total_xact_count} // 0);
        if ($dx > 0) {
            $r{bouncer_xacts} = $dx;
            $r{bouncer_xact_ms} = r3((($sa->{total_xact_time} // 0) - ($sb->{total_xact_time} // 0)) / $dx / 1000);
            $r{bouncer_wait_ms} = r3((($sa->{total_wait_time} // 0) - ($sb->{total_wait_time} // 0)) / $dx / 1000);
        }
        $r{load} = $a->{load};
        $res->{resources} = \%r;
    }
}
my $meta = $o{meta} ? decode_json($o{meta}) : {};
$res->{$_} = $meta->{$_} for keys %$meta;
print JSON::PP->new->canonical->encode($res), "\n";
