#!/usr/bin/env perl
# pgbench_stats.pl: one JSON object for the live-load measurement of
# bench/run.sh, from the two pgbench runs' per-transaction logs
# (PREFIX.<pid>[.<thread>], column 3 = latency in µs) and summaries.
use strict;
use warnings;
use Getopt::Long;
use JSON::PP;

my %o;
GetOptions(\%o, 'submit-prefix=s', 'submit-out=s', 'submit-rc=i', 'standings-prefix=s',
           'standings-out=s', 'standings-rc=i', 'submitted=i', 'picked=i', 'remaining=i', 'variant=s', 'readers=i',
           'workload=s',
           'seconds=f', 'wall-ms=f', 'tournament=i') or die "bad options\n";

sub pct {
    my ($sorted, $p) = @_;
    return undef unless @$sorted;
    my $i = int($p / 100 * @$sorted + 0.999999) - 1;    # nearest rank
    $i = 0 if $i < 0;
    $i = $#$sorted if $i > $#$sorted;
    return $sorted->[$i];
}

sub r3 { defined $_[0] ? 0 + sprintf('%.3f', $_[0]) : undef }

sub one {
    my ($prefix, $out, $rc, $clients) = @_;
    my (@lat, $failed, $first, $last);
    $failed = 0;
    for my $f (glob("$prefix.*")) {
        open(my $fh, '<', $f) or next;
        while (<$fh>) {
            my @c = split;
            next unless @c >= 6;
            if ($c[2] !~ /^\d+$/) { $failed++; next; }
            push @lat, $c[2] / 1000.0;                     # ms
            my $end = $c[4] + $c[5] / 1e6;
            $first = $end - $c[2] / 1e6 if !defined $first || $end - $c[2] / 1e6 < $first;
            $last = $end if !defined $last || $end > $last;
        }
        close $fh;
    }
    @lat = sort { $a <=> $b } @lat;
    my $summary = '';
    if (open(my $fh, '<', $out)) { local $/; $summary = <$fh>; close $fh; }
    my ($tps) = $summary =~ /tps = ([\d.]+) \(without initial connection time\)/;
    my ($nfail) = $summary =~ /number of failed transactions: (\d+)/;
    my %stmt;
    if ($summary =~ /statement latencies in milliseconds.*?:\n(.*)\z/s) {
        for (split /\n/, $1) {
            $stmt{$3} = 0 + $1 if /^\s+([\d.]+)\s+(\d+)\s+(\S.*)$/;
        }
    }
    my $sum = 0;
    $sum += $_ for @lat;
    my $span = defined $first ? $last - $first : undef;
    return {
        clients => $clients, transactions => scalar(@lat), failed_in_log => $failed,
        failed_transactions => defined $nfail ? 0 + $nfail : undef, pgbench_rc => $rc,
        tps_pgbench => defined $tps ? 0 + $tps : undef,
        tps_log => ($span ? r3(@lat / $span) : undef),
        mean_ms => (@lat ? r3($sum / @lat) : undef),
        p50_ms => r3(pct(\@lat, 50)), p95_ms => r3(pct(\@lat, 95)), p99_ms => r3(pct(\@lat, 99)),
        max_ms => (@lat ? r3($lat[-1]) : undef),
        statement_latency_ms => \%stmt,
        errors => join(' | ', grep { /error|abort/i } split /\n/, $summary),
    };
}

my $submit = one($o{'submit-prefix'}, $o{'submit-out'}, $o{'submit-rc'}, 32);
$o{readers} //= 4;
my $standings = $o{readers} ? one($o{'standings-prefix'}, $o{'standings-out'}, $o{'standings-rc'}, $o{readers}) : undef;
$submit->{results_per_s} = r3($o{submitted} / $o{seconds});
print JSON::PP->new->canonical->encode({
    kind => 'live', variant => $o{variant} // '', workload => $o{workload} // 'submit',
    format => 'individual_ranking', players => 16384,
    rounds => 10, sessions => 163840, open_sessions_before => $o{remaining},
    tournament_id => $o{tournament}, seconds => $o{seconds},
    wall_ms => $o{'wall-ms'}, results_submitted => $o{submitted}, sessions_picked => $o{picked},
    exhausted => ($o{picked} >= $o{remaining} ? JSON::PP::true : JSON::PP::false),
    readers => $o{readers}, submit => $submit, standings => $standings,
    ok => ($submit->{pgbench_rc} == 0 && (!$standings || $standings->{pgbench_rc} == 0)
           && $o{submitted} == $submit->{transactions} ? JSON::PP::true : JSON::PP::false),
}), "\n";
