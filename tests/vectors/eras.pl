#!/usr/bin/perl
# SPDX-License-Identifier: MIT
# eras.pl — every historical Launcher vector (2.6.23 E0, 2.6.24 E1, 2.6.25/2.6.26 early
# E2), page and device area, is decoded by lgcheck in the right era with no finding, and
# its devices equal the decoded manifest (NAME.txt) field by field.
# With SCHEMA and VALIDATOR, the first report of each era is also valid against the schema.
# usage: eras.pl LGCHECK VECTORS_26_DIR [SCHEMA VALIDATOR]   (exit 77 without the folder)
use strict;
use warnings;
use JSON::PP;

my ($lgcheck, $dir, $schema, $validator) = @ARGV;
my %validated;
die "usage: eras.pl LGCHECK VECTORS_26_DIR\n" unless defined $dir;
unless (-d $dir) { print "SKIP: no historical vectors at $dir\n"; exit 77; }

my ($checks, $fails) = (0, 0);
sub expect {
	my ($ok, $what) = @_;
	$checks++;
	unless ($ok) { $fails++; print STDERR "FAIL: $what\n"; }
}

# The manifest's era, addresses and devices.
sub manifest {
	my ($txt) = @_;
	open my $fh, '<', $txt or die "$txt: $!";
	my %m = (devices => []);
	my $dev;
	while (<$fh>) {
		$m{gpa} = hex $1 if /^Descriptor page guest-physical address: (0x[0-9a-f]+)/;
		$m{limit} = $1 if /^pfn limit told to the kernel: (0x[0-9a-f]+)/;
		$m{era} = lc $1 if /^Descriptor page \((E[012])/;
		if (/^  slot (\d+) at offset (\d+): type=(\d+) \(\w+\) features=(0x[0-9a-f]+) .*status=(\d+) num_pages=(\d+) pfn=(0x[0-9a-f]+)/) {
			$dev = {slot => $1, offset => $2, type => $3, features => hex $4, status => $5,
				num_pages => $6, pfn => hex $7, vqs => []};
			push @{$m{devices}}, $dev;
		}
		if (/^  device at offset (\d+) \(.*?\): type=(\d+) \(\w+\) (.*)/) {
			$dev = {offset => $1, type => $2, vqs => []};
			my $rest = $3;
			$dev->{$1} = $2 while $rest =~ /(\w+)=(\d+)/g;
			push @{$m{devices}}, $dev;
		}
		push @{$dev->{vqs}}, [0 + $1, 0 + $2, hex $3] if /num=(\d+) irq=(\d+) pfn=(0x[0-9a-f]+)/;
		$dev->{sectors} = $1 if $dev && /lguest_block_page\): .*num_sectors=(\d+)/;
	}
	close $fh;
	return \%m;
}

my $files = 0;
opendir my $dh, $dir or die "$dir: $!";
for my $txt (sort grep { /\.txt$/ } readdir $dh) {
	(my $name = $txt) =~ s/\.txt$//;
	my $m = manifest("$dir/$txt");
	expect(defined $m->{era} && @{$m->{devices}}, "$txt: manifest not understood");
	my $want_era = $name =~ /-2\.6\.23-/ ? 'e0' : $name =~ /-2\.6\.24-/ ? 'e1' : 'e2';
	expect(($m->{era} // '') eq $want_era, "$txt: manifest era $m->{era}, name says $want_era");
	for my $kind (qw(descpage devmem)) {
		my $bin = "$dir/$name.$kind.bin";
		my $out = `'$lgcheck' --format json --pfn-limit $m->{limit} '$bin'`;
		my $rc = $? >> 8;
		$files++;
		expect($rc == 0, "$bin: exit $rc");
		my $r = eval { decode_json($out) };
		expect($r, "$bin: report is not JSON");
		next unless $r;
		if ($schema && !$validated{$want_era}++) {
			my $tmp = "/tmp/lgkit-eras-$$.json";
			open my $o, '>', $tmp or die "$tmp: $!";
			print $o $out;
			close $o;
			system('perl', $validator, $schema, $tmp);
			expect($? == 0, "$bin: report does not match $schema");
			unlink $tmp;
		}
		my $s = $r->{summary};
		expect($s->{errors} == 0 && $s->{warnings} == 0 && $s->{notes} == 0,
		       "$bin: $s->{errors} errors, $s->{warnings} warnings, $s->{notes} notes: " .
		       join(' ', map { "$_->{check}\@$_->{path}" } @{$r->{findings}}));
		expect($r->{page}{era} eq $want_era, "$bin: era $r->{page}{era}, expected $want_era");
		# A page whose devices have no memory (a 2.6.23 console) does not say where it is.
		my $placed = $want_era ne 'e0' || grep { $_->{num_pages} } @{$m->{devices}};
		expect(hex($r->{page}{address}) == ($placed ? $m->{gpa} : 0),
		       "$bin: page at $r->{page}{address}");
		my @g = @{$r->{devices}};
		my @w = @{$m->{devices}};
		expect(@g == @w, "$bin: " . scalar(@g) . " devices, manifest has " . scalar(@w));
		for my $d (0 .. $#w) {
			my ($w, $g) = ($w[$d], $g[$d] // {});
			my $at = "$bin: device[$d]";
			expect($g->{offset} == $w->{offset}, "$at offset $g->{offset} != $w->{offset}");
			if ($want_era eq 'e0') {
				my $e = $g->{e0} // {};
				for my $f (qw(slot type features status num_pages pfn)) {
					expect(($e->{$f} // -1) == $w->{$f}, "$at e0.$f " . ($e->{$f} // 'missing') . " != $w->{$f}");
				}
				if (defined $w->{sectors} && $kind eq 'devmem') {
					my $ph = pack 'H*', $e->{page_head} // '';
					expect(length $ph >= 20 && unpack('V', substr($ph, 16, 4)) == $w->{sectors},
					       "$at block page sectors");
				}
				next;
			}
			expect($g->{type} == $w->{type}, "$at type $g->{type} != $w->{type}");
			for my $f (qw(num_vq feature_len config_len status)) {
				next unless defined $w->{$f};
				expect($g->{$f} == $w->{$f}, "$at $f $g->{$f} != $w->{$f}");
			}
			my @gv = map { [$_->{num}, $_->{irq}, $_->{pfn}] } @{$g->{vqs} // []};
			expect(encode_json(\@gv) eq encode_json($w->{vqs}),
			       "$at vqs " . encode_json(\@gv) . " != " . encode_json($w->{vqs}));
		}
		my $rings = 0;
		$rings += @{$_->{vqs}} for @w;
		expect($s->{rings_checked} == ($kind eq 'devmem' ? $rings : 0),
		       "$bin: $s->{rings_checked} rings checked");
	}
}
closedir $dh;
expect($files == 102, "$files vector files checked, expected 102 (51 configurations x 2)");
print "eras.pl: $checks checks, $fails failed\n";
exit($fails ? 1 : 0);
