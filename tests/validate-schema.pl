# SPDX-License-Identifier: MIT
# validate-schema.pl SCHEMA FILE... — print "FILE: valid" or "FILE: invalid: first error"
# for each FILE, with JSON::Validator (Debian's libjson-validator-perl; no Python).
# Debian 12 has no 2020-12 validator outside Python: lgkit's schemas keep to keywords
# that mean the same in 2019-09 and 2020-12, and are checked with the 2019-09 class.
use strict;
use warnings;
use JSON::Validator::Schema::Draft201909;
use JSON::Validator::Schema::Draft4;
use Mojo::File qw(path);
use Mojo::JSON qw(decode_json);
my $s = decode_json(path(shift)->slurp);
# A draft-04 schema (SARIF 2.1.0's official one) is read as draft-04, any other as 2019-09.
my $class = ($s->{'$schema'} // '') =~ /draft-04/ ? 'JSON::Validator::Schema::Draft4'
	: 'JSON::Validator::Schema::Draft201909';
delete $s->{'$schema'}; # the meta-schema would be fetched from the network
my $schema = $class->new($s);
# Its recursion guard caches results by the addresses of schema and data, which Perl
# reuses after freeing: with it on, verdicts leak from one file to the next.
$schema->recursive_data_protection(0);
# Draft-04 knows no uri-reference (SARIF uses it): RFC 3986 characters, % only before two
# hex digits.
$schema->formats->{'uri-reference'} = sub {
	$_[0] =~ m{\A(?:[A-Za-z0-9\-._~:/?#\[\]@!\$&'()*+,;=]|%[0-9A-Fa-f]{2})*\z} ? undef : 'not a URI reference';
};
for my $f (@ARGV) {
	my $data = eval { decode_json(path($f)->slurp) };
	if ($@ || !defined $data) { print "$f: invalid: not JSON\n"; next }
	my @e = $schema->validate($data);
	print @e ? "$f: invalid: $e[0]\n" : "$f: valid\n";
}
