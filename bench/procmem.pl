#!/usr/bin/env perl
# procmem.pl PID [MEMFILE]: print "VmHWM_kb, peak_anon_kb" of PID as an SQL
# value list.  peak_anon_kb is the larger of the RssAnon now and the peak
# that memwatch.pl recorded in MEMFILE (0 when unknown).
use strict;
use warnings;
my ($pid, $memfile) = @ARGV;
my ($hwm, $anon) = (0, 0);
if (open(my $fh, '<', "/proc/$pid/status")) {
    while (<$fh>) {
        $hwm = $1 if /^VmHWM:\s+(\d+)/;
        $anon = $1 if /^RssAnon:\s+(\d+)/;
    }
    close $fh;
}
if (defined $memfile && open(my $fh, '<', $memfile)) {
    my $l = <$fh> // '';
    close $fh;
    $anon = $1 if $l =~ /peak_anon_kb=(\d+)/ && $1 > $anon;
    $hwm = $1 if $l =~ /vmhwm_kb=(\d+)/ && $1 > $hwm;
}
print "$hwm, $anon";
