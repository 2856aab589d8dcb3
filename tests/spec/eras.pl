#!/usr/bin/perl
# SPDX-License-Identifier: MIT
# eras.pl — lggen against every real-Launcher vector of both folders: the 51 historical
# ones (2.6.23 E0, 2.6.24 E1, 2.6.25/2.6.26 early E2) and the 3.10/3.19 ones.  For each:
#   1. the page and the device area, decoded (lggen --decode, --base at the page), give a
#      spec with the era's "era" key that writes the same bytes back (--page, --area), and
#      decoding what was written gives the same spec again;
#   2. --lhreq from the area's spec writes the vector's lhreq.bin byte for byte, given the
#      host-dependent words the vectors' READMEs list, read from that file: the guest base
#      (E1/E2), the start address (the kernel's), the eventfd number (3.x);
#   3. historical: the shortest spec of the same devices — the era, mem, the device types
#      in order, the block capacity and the tap MAC, and E0 features where they are not the
#      2.6.23 Launcher's --tunnet/--block defaults (--sharenet) — writes the vector's page,
#      area and lhreq.bin; 3.x: samples/vectors/NAME.json writes its lhreq.bin.
# usage: eras.pl LGGEN VECTORS26_DIR VECTORS3_DIR SAMPLES_VECTORS_DIR WORKDIR
#        (exit 77 when neither vector folder is there)
use strict;
use warnings;
use JSON::PP;
use File::Path qw(make_path remove_tree);

my ($lggen, $v26, $v3, $samples, $w) = @ARGV;
die "usage: eras.pl LGGEN VECTORS26 VECTORS3 SAMPLES WORKDIR\n" unless defined $w;
my @dirs = grep { -f "$_/manifest.json" } ($v26, $v3);
unless (@dirs) { print "SKIP: no real-Launcher vectors in $v26 or $v3\n"; exit 77; }
remove_tree($w);
make_path($w) or die "$w: $!";

my ($checks, $fails) = (0, 0);
sub expect {
	my ($ok, $what) = @_;
	$checks++;
	unless ($ok) { $fails++; print STDERR "FAIL: $what\n"; }
}
sub slurp {
	my ($f) = @_;
	open my $fh, '<:raw', $f or return undef;
	local $/;
	return scalar <$fh>;
}
sub spew {
	my ($f, $s) = @_;
	open my $fh, '>:raw', $f or die "$f: $!";
	print $fh $s;
	close $fh;
}
# lggen ARGS...: true when it exits 0; stderr is kept for the message.
sub lggen {
	my $rc = system("'$lggen' " . join(' ', map { "'$_'" } @_) . " 2>'$w/err'");
	return $rc == 0;
}
sub err { my $e = slurp("$w/err") // ''; chomp $e; return $e; }
sub same_file {
	my ($a, $b) = @_;
	my ($x, $y) = (slurp($a), slurp($b));
	return defined $x && defined $y && $x eq $y;
}

my $nvec = 0;
for my $dir (@dirs) {
	my $man = decode_json(slurp("$dir/manifest.json"));
	for my $v (@$man) {
		my $name = $v->{name};
		my $ver = $v->{linux_version};
		my $era = $ver eq '2.6.23' ? 'e0' : $ver eq '2.6.24' ? 'e1'
			: $ver =~ /^2\.6\.2[56]/ ? 'early' : 'e2';
		my $want_key = {e0 => '2.6.23', e1 => '2.6.24', early => '2.6.25', e2 => undef}->{$era};
		my $gpa = sprintf '%#x', $v->{descpage_gpa};
		$nvec++;

		# The host-dependent words, from the vector's own lhreq.bin.
		my @words = unpack 'V*', slurp("$dir/$name.lhreq.bin") // '';
		my @host = $era eq 'e0' ? ('--start', $words[3])
			: $era eq 'e2' ? ('--guest-base', $words[1], '--start', $words[3],
					  @words > 4 ? ('--eventfd', $words[6]) : ())
			: ('--guest-base', $words[1], '--start', $words[4]);
		expect(@words >= 4, "$name: lhreq.bin has " . scalar(@words) . " words");

		for my $kind (qw(page area)) {
			my $vec = "$dir/$name." . ($kind eq 'page' ? 'descpage' : 'devmem') . '.bin';
			my $json = "$w/$name.$kind.json";
			unless (lggen('--decode', $vec, '--base', $gpa, '-o', $json)) {
				expect(0, "$name: lggen --decode $vec: " . err());
				next;
			}
			my $spec = eval { decode_json(slurp($json)) };
			expect($spec, "$name: the decoded $kind is not JSON");
			next unless $spec;
			expect(($spec->{era} // '') eq ($want_key // ''),
			       "$name $kind: era " . ($spec->{era} // 'none') . ", expected " .
				       ($want_key // 'none'));
			my $out = "$w/$name.$kind.bin";
			if (lggen($json, "--$kind", '-o', $out)) {
				expect(same_file($vec, $out), "$name: $kind -> spec -> $kind differs");
			} else {
				expect(0, "$name: lggen $json --$kind: " . err());
				next;
			}
			if (lggen('--decode', $out, '--base', $gpa, '-o', "$json.2")) {
				expect(same_file($json, "$json.2"), "$name: spec -> $kind -> spec is not the same spec");
			} else {
				expect(0, "$name: lggen --decode $out: " . err());
			}
			next unless $kind eq 'area';
			if (lggen($json, '--lhreq', @host, '-o', "$w/$name.lhreq")) {
				expect(same_file("$dir/$name.lhreq.bin", "$w/$name.lhreq"),
				       "$name: --lhreq from the decoded area differs from lhreq.bin: " .
					       join(' ', map { sprintf '%#x', $_ } unpack 'V*', slurp("$w/$name.lhreq")));
			} else {
				expect(0, "$name: lggen $json --lhreq: " . err());
			}
		}

		# The shortest spec of the same devices (3.x: the sample spec).
		my $short;
		if ($era eq 'e2') {
			$short = "$samples/$name.json";
			expect(-f $short, "$name: no sample spec $short");
		} else {
			$short = "$w/$name.short.json";
			spew($short, encode_json(short_spec($v, $want_key)));
		}
		next unless -f $short;
		my @kinds = $era eq 'e2' ? ('lhreq') : ('page', 'area', 'lhreq');
		for my $kind (@kinds) {
			my $vec = "$dir/$name." . {page => 'descpage', area => 'devmem', lhreq => 'lhreq'}->{$kind} . '.bin';
			my $out = "$w/$name.short.$kind";
			if (lggen($short, "--$kind", $kind eq 'lhreq' ? @host : (), '-o', $out)) {
				expect(same_file($vec, $out), "$name: the short spec's --$kind differs from the vector");
			} else {
				expect(0, "$name: lggen $short --$kind: " . err());
			}
		}
	}
}

# The devices as a user would write them for that Launcher: type, capacity, MAC.
sub short_spec {
	my ($v, $era) = @_;
	my @devs;
	for my $d (@{$v->{devices}}) {
		my %o = (type => $d->{type_name});
		my ($cap, $mac);
		if ($era eq '2.6.23') {
			$cap = $d->{block_page}{num_sectors} if $d->{block_page};
			for my $s (@{$d->{net_page_nonzero_slots} // []}) {
				$mac = $s->{mac} if $s->{slot} == 0;
			}
			my $dflt = {net => 0x8001, block => 0x8000, console => 0}->{$d->{type_name}};
			if ($d->{features} != $dflt) {
				my @f;
				push @f, $_ for grep { $d->{features} >> $_ & 1 } 0 .. 13;
				push @f, 'NOCSUM' if $d->{features} & 0x4000;
				push @f, 'RANDOMNESS' if $d->{features} & 0x8000;
				$o{features} = \@f;
			}
		} elsif ($era eq '2.6.24') {
			for my $f (@{$d->{fields}}) {
				next unless $f->{type} == 0x41;
				my $bytes = pack 'H*', $f->{data_hex} =~ s/ //gr;
				if ($d->{type_name} eq 'net') {
					$mac = join ':', unpack '(H2)*', $bytes;
				} else {
					$cap = unpack 'Q<', $bytes;
				}
			}
		} else {
			my $cfg = pack 'H*', $d->{config_hex} =~ s/ //gr;
			$mac = join ':', unpack '(H2)6', $cfg if $d->{type_name} eq 'net';
			$cap = unpack 'Q<', substr($cfg, 0, 8) if $d->{type_name} eq 'block';
		}
		$o{config} = {capacity => 0 + $cap} if defined $cap;
		$o{config} = {mac => $mac} if defined $mac;
		push @devs, \%o;
	}
	return {era => $era, mem => $v->{guest_mem_bytes}, devices => \@devs};
}

expect($nvec == 73 || @dirs < 2, "$nvec vectors, expected 73 (51 historical and 22 3.x)");
print "eras.pl: $nvec vectors, $checks checks, $fails failed\n";
exit($fails ? 1 : 0);
