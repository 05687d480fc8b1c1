#!/usr/bin/env perl
# Sample the memory of one process from /proc until it exits.
#
#   memwatch.pl --pid PID       --out FILE [--interval MS] [--timeout S] [--until-gone PID]
#   memwatch.pl --match PATTERN --out FILE [--interval MS] [--timeout S] [--until-gone PID]
#
# --match waits for a new process whose command line contains PATTERN (for
# example a background worker's title, "tourney task"), then watches it.
# Either way it stops when the process --until-gone names has ended (an idle
# worker that stays for the next task outlives the measurement).
# After every sample that changes something, FILE is replaced (atomically)
# by one line of key=value pairs:
#   pid=… vmhwm_kb=… vmrss_kb=… peak_anon_kb=… peak_shmem_kb=… samples=… alive=0|1
# vmhwm_kb is the kernel's peak resident set (private and shared pages, so
# it includes the shared_buffers pages the process touched); peak_anon_kb is
# the largest RssAnon seen by sampling, i.e. the process's private memory.
use strict;
use warnings;
use Getopt::Long;
use Time::HiRes qw(sleep time);

my ($pid, $match, $out, $until);
my $interval_ms = 10;
my $timeout = 3600;
GetOptions('pid=i' => \$pid, 'match=s' => \$match, 'out=s' => \$out,
           'interval=f' => \$interval_ms, 'timeout=f' => \$timeout, 'until-gone=i' => \$until)
    or die "usage: $0 (--pid PID | --match PATTERN) --out FILE\n";
die "memwatch.pl: --out is required\n" unless defined $out;
die "memwatch.pl: one of --pid or --match is required\n" unless defined $pid || defined $match;

my $deadline = time + $timeout;

sub slurp {
    my ($f) = @_;
    open(my $fh, '<', $f) or return undef;
    local $/;
    my $s = <$fh>;
    close $fh;
    return $s;
}

sub write_out {
    my ($line) = @_;
    my $tmp = "$out.tmp.$$";
    open(my $fh, '>', $tmp) or return;
    print $fh "$line\n";
    close $fh;
    rename $tmp, $out;
}

# Find the process: remember the pids that exist now, then look at the pids
# that appear later.  A new process shows the postmaster's command line until
# it sets its title, so a new pid is read again for half a second.
if (!defined $pid) {
    my %seen;        # pid => time first seen (0: existed at the start)
    opendir(my $d, '/proc') or die "memwatch.pl: /proc: $!\n";
    $seen{$_} = 0 for grep { /^\d+$/ } readdir $d;
    closedir $d;
    write_out("pid=0 vmhwm_kb=0 vmrss_kb=0 peak_anon_kb=0 peak_shmem_kb=0 samples=0 alive=0");
    FIND: while (time < $deadline) {
        last if defined $until && !-e "/proc/$until";
        my $now = time;
        opendir($d, '/proc') or die;
        for my $p (grep { /^\d+$/ } readdir $d) {
            $seen{$p} //= $now;
            next if $seen{$p} == 0 || $now - $seen{$p} > 0.5;
            my $cmd = slurp("/proc/$p/cmdline") // next;
            $cmd =~ tr/\0/ /;
            if (index($cmd, $match) >= 0) { $pid = $p; last FIND; }
        }
        closedir $d;
        sleep(0.002);
    }
    exit 1 unless defined $pid;
}

my %peak = (VmHWM => 0, VmRSS => 0, RssAnon => 0, RssShmem => 0);
my $samples = 0;
my $last = '';
while (time < $deadline) {
    last if defined $until && !-e "/proc/$until";
    my $st = slurp("/proc/$pid/status");
    last unless defined $st;
    my %v;
    $v{$1} = $2 while $st =~ /^(VmHWM|VmRSS|RssAnon|RssShmem):\s+(\d+)/mg;
    last unless exists $v{VmHWM};          # a zombie has no memory lines
    $samples++;
    for my $k (keys %v) { $peak{$k} = $v{$k} if $v{$k} > $peak{$k}; }
    my $line = sprintf('pid=%d vmhwm_kb=%d vmrss_kb=%d peak_anon_kb=%d peak_shmem_kb=%d samples=%d alive=1',
                       $pid, $peak{VmHWM}, $v{VmRSS}, $peak{RssAnon}, $peak{RssShmem}, $samples);
    (my $cmp = $line) =~ s/ samples=\d+//;
    if ($cmp ne $last) { write_out($line); $last = $cmp; }
    sleep($interval_ms / 1000);
}
write_out(sprintf('pid=%d vmhwm_kb=%d vmrss_kb=0 peak_anon_kb=%d peak_shmem_kb=%d samples=%d alive=0',
                  $pid, $peak{VmHWM}, $peak{RssAnon}, $peak{RssShmem}, $samples));
