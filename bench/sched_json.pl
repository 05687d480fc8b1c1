#!/usr/bin/env perl
# sched_json.pl: the JSON objects of bench/run.sh's schedule section.
#
#   sched_json.pl --merge OUTFILE --debug ERRFILE
#       OUTFILE is a psql script's stdout (one JSON object on its last line),
#       ERRFILE its stderr.  Prints the object with "debug" added: the
#       DEBUG1 lines of tourney's scheduling functions,
#         scheduled N sessions of tournament T: load X ms, place X ms, write X ms, check X ms
#         checked N sessions of tournament T: bookings X ms, courts X ms, ...
#       as {"scheduled": {"sessions": N, "load_ms": X, ...},
#           "checked": {"sessions": N, "bookings_ms": X, ..., "total_ms": sum}}
#       (the last line of each kind).  When OUTFILE holds no JSON object,
#       prints the output and the errors instead (run.sh records an error).
#
#   sched_json.pl --pgbench PREFIX --out FILE --err FILE --meta JSON
#       One live change called K times by pgbench (one client, each call its
#       own transaction): per-call latencies from the log (PREFIX.*,
#       column 3 = µs), with their median, p95, mean, min and max, and the
#       medians of the "checked" DEBUG lines (one per call), merged into the
#       object META.
use strict;
use warnings;
use Getopt::Long;
use JSON::PP;

my %o;
GetOptions(\%o, 'merge=s', 'debug=s', 'pgbench=s', 'out=s', 'err=s', 'meta=s') or die "bad options\n";
my $json = JSON::PP->new->canonical;

sub slurp {
    my ($f) = @_;
    open(my $fh, '<', $f) or return '';
    local $/;
    my $s = <$fh>;
    close $fh;
    return $s // '';
}
sub pct {    # nearest rank
    my ($sorted, $p) = @_;
    return undef unless @$sorted;
    my $i = int($p / 100 * @$sorted + 0.999999) - 1;
    $i = 0 if $i < 0;
    $i = $#$sorted if $i > $#$sorted;
    return $sorted->[$i];
}
sub r3 { defined $_[0] ? 0 + sprintf('%.3f', $_[0]) : undef }

# Every DEBUG line of the scheduling functions, parsed.
sub debug_lines {
    my ($text) = @_;
    my (@scheduled, @checked);
    for my $l (split /\n/, $text) {
        next unless $l =~ /^(?:psql:[^ ]*: )?DEBUG:\s+(scheduled|checked) (-?\d+) sessions of tournament (\d+): (.*)$/;
        my ($kind, $n, $tid, $parts) = ($1, $2, $3, $4);
        my %h = (sessions => 0 + $n, tournament_id => 0 + $tid);
        my $total = 0;
        while ($parts =~ /(\w+) ([\d.]+) ms/g) {
            $h{"$1_ms"} = 0 + $2;
            $total += $2;
        }
        $h{total_ms} = r3($total) if $kind eq 'checked';
        push @{ $kind eq 'scheduled' ? \@scheduled : \@checked }, \%h;
    }
    return (\@scheduled, \@checked);
}

if (defined $o{merge}) {
    my $out = slurp($o{merge});
    my $err = slurp($o{debug} // '');
    my ($line) = grep { /^\{/ } reverse split /\n/, $out;
    my $obj = defined $line ? eval { decode_json($line) } : undef;
    if (ref $obj ne 'HASH') {
        my $e = $err;
        $e =~ s/^(?:psql:[^ ]*: )?DEBUG:.*\n?//mg;
        print "$out\n$e";
        exit 0;
    }
    my ($s, $c) = debug_lines($err);
    $obj->{debug} = { (@$s ? (scheduled => $s->[-1]) : ()), (@$c ? (checked => $c->[-1]) : ()) };
    print $json->encode($obj), "\n";
    exit 0;
}

if (defined $o{pgbench}) {
    my $meta = decode_json($o{meta} // '{}');
    my (@lat, $failed);
    $failed = 0;
    for my $f (glob("$o{pgbench}.*")) {
        open(my $fh, '<', $f) or next;
        while (<$fh>) {
            my @c = split;
            next unless @c >= 6;
            if ($c[2] !~ /^\d+$/) { $failed++; next; }
            push @lat, $c[2] / 1000.0;
        }
        close $fh;
    }
    my @sorted = sort { $a <=> $b } @lat;
    my $summary = slurp($o{out});
    my $err = slurp($o{err});
    my ($nfail) = $summary =~ /number of failed transactions: (\d+)/;
    my ($tps) = $summary =~ /tps = ([\d.]+) \(without initial connection time\)/;
    my (undef, $c) = debug_lines($err);
    my %checks;
    if (@$c) {
        for my $k (grep { /_ms$/ } keys %{ $c->[0] }) {
            my @v = sort { $a <=> $b } map { $_->{$k} // 0 } @$c;
            $checks{$k} = r3(pct(\@v, 50));
        }
        $checks{sessions} = $c->[0]{sessions};
        $checks{lines} = scalar @$c;
    }
    (my $errors = $err) =~ s/^(?:psql:[^ ]*: )?DEBUG:.*\n?//mg;
    my $sum = 0;
    $sum += $_ for @lat;
    my %r = (%$meta,
             calls => scalar(@lat), failed_in_log => $failed,
             failed_transactions => defined $nfail ? 0 + $nfail : undef,
             tps => defined $tps ? 0 + $tps : undef,
             median_ms => r3(pct(\@sorted, 50)), p95_ms => r3(pct(\@sorted, 95)),
             mean_ms => @lat ? r3($sum / @lat) : undef,
             min_ms => r3($sorted[0]), max_ms => r3($sorted[-1]), first_ms => r3($lat[0]),
             (%checks ? (debug => { checked_median => \%checks }) : ()),
             errors => substr($errors, 0, 1000));
    $r{ok} = JSON::PP::true;
    $r{ok} = JSON::PP::false if !@lat || $failed || ($nfail // 1) > 0 || $errors =~ /\S/
                                || (defined $meta->{expected_calls} && @lat != $meta->{expected_calls});
    print $json->encode(\%r), "\n";
    exit 0;
}
die "usage: $0 --merge OUT --debug ERR | --pgbench PREFIX --out FILE --err FILE --meta JSON\n";
