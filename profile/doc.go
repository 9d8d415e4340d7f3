// Package profile finds the personal data in a table and drafts a policy
// for it.
//
// [Run] reads a [dataset.Reader] in one streaming pass. Per column it
// counts rows and nulls exactly, keeps a seeded reservoir sample of the
// non-null values (1,000 by default), counts distinct values exactly up to
// 16,384 and with a HyperLogLog sketch beyond, and tracks min/max and the
// most frequent values. It then classifies each column from its sample and
// its name:
//
//   - a role: direct (identifies a person on its own), identifier (a record
//     key or pseudonymous ID), quasi (identifies in combination), sensitive
//     (GDPR Art. 9/10, income, credentials) or other;
//   - an entity (EMAIL, PHONE, NATIONAL_ID/US_SSN, POSTAL_CODE, INCOME...),
//     a confidence in 0..1 and its band, and the evidence: the name hint
//     matched, n values sampled, m of the entity's shape, v passing its
//     validator, the chance test of checksums and three masked examples.
//
// Values are checked with validators written here (Luhn with card IIN
// ranges, IBAN mod 97 with per-country lengths, NL BSN, FR NIR, US SSN,
// UK NINO, DE Steuer-ID, ES DNI/NIE, BE RRN), libphonenumber for phones,
// net/mail and the public suffix list for e-mail addresses, net/netip for
// IP addresses, name dictionaries, vocabularies and date spreads. Column
// names are matched by token in English, German, French, Spanish and Dutch
// (see [NormalizeName]). Evidence is combined as in
// ../shared/design/pii-detectors.md: value coverage is the 95 % Wilson
// lower bound, checksums must beat chance by a log-likelihood ratio, and
// name and value evidence are joined by a noisy-OR in which a name alone
// cannot exceed 0.5.
//
// Run also measures the re-identification risk of the table as exported
// over the detected quasi-identifiers: sample uniques, the smallest
// equivalence class and the minimal combinations of up to three columns
// that single out more than 1 % of rows ([Risk]).
//
// The result is a [Profile], written as JSON (schema veil.profile/v1) by
// [Profile.MarshalIndent], as a self-contained page by [WriteHTML] and as
// a draft policy by [DraftPolicy]. None of them holds a raw value of a
// direct identifier or identifier column: examples and frequent values of
// such columns are masked with [Mask], and values seen fewer than
// Options.MinCount times are never listed.
//
// [FindPII] finds e-mail addresses, phone numbers, card numbers, IBANs,
// national IDs and IP addresses inside free text, each validated; the
// anonymize package's redact action uses it.
//
//	r, err := dataset.Open("export.csv", nil)
//	if err != nil { ... }
//	defer r.Close()
//	p, err := profile.Run(ctx, r, &profile.Options{Seed: 1})
//	if err != nil { ... }
//	for _, c := range p.Columns {
//		fmt.Println(c.Name, c.Role, c.Entity, c.Confidence)
//	}
package profile
