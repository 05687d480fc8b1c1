#!/usr/bin/env perl
# reads_snap.pl: a snapshot for bench/reads_stats.pl (the reads section of
# bench/run.sh): the time, the machine's CPU ticks (busy and all, from
# /proc/stat), pgbouncer's own CPU ticks (/proc/PID/stat) and its SHOW STATS
# row for the database (through its admin console).
#   reads_snap.pl --pid PGBOUNCER_PID --port PORT --db DATABASE
use strict;
use warnings;
use Getopt::Long;
use JSON::PP;
use Time::HiRes qw(time);

my %o;
GetOptions(\%o, 'pid=i', 'port=i', 'db=s') or die "bad options\n";
my %s = (t => time());
if (open(my $fh, '<', '/proc/stat')) {
    my ($cpu) = grep { /^cpu\s/ } <$fh>;
    my @v = (split ' ', $cpu)[1 .. 8];    # user nice system idle iowait irq softirq steal
    my $all = 0;
    $all += $_ for @v;
    $s{cpu_all} = $all;
    $s{cpu_busy} = $all - $v[3] - $v[4];
}
chomp(my $hz = `getconf CLK_TCK 2>/dev/null` || 100);
$s{hz} = 0 + ($hz || 100);
if ($o{pid} && open(my $fh, '<', "/proc/$o{pid}/stat")) {
    my $l = <$fh>;
    $l =~ s/^.*\)\s+//;    # after "(comm)"
    my @f = split ' ', $l;
    $s{bouncer_ticks} = $f[11] + $f[12];    # utime stime (fields 14, 15)
}
if (open(my $fh, '<', '/proc/loadavg')) { $s{load} = join(' ', (split ' ', <$fh>)[0 .. 2]); }
if ($o{port}) {
    my @out = `psql -X -A -F '|' -h 127.0.0.1 -p $o{port} -d pgbouncer -c 'SHOW STATS' 2>/dev/null`;
    my @head = split /\|/, shift(@out) // '';
    chomp @head;
    for my $l (@out) {
        chomp $l;
        my @v = split /\|/, $l;
        next unless @v == @head && $v[0] eq ($o{db} // '');
        $s{stats} = { map { ($head[$_] => ($v[$_] =~ /^\d+$/ ? 0 + $v[$_] : $v[$_])) } 0 .. $#head };
    }
}
print JSON::PP->new->canonical->encode(\%s), "\n";
