package profile

import (
	"reflect"
	"testing"
)

func TestFindPII(t *testing.T) {
	type m struct{ entity, text string }
	tests := []struct {
		name string
		text string
		want []m
	}{
		{"email and phone", "Mail jane.doe@example.com or call +49 30 1234567 today",
			[]m{{"EMAIL", "jane.doe@example.com"}, {"PHONE", "+49 30 1234567"}}},
		{"card and IBAN", "Paid with 4539 1488 0343 6467, refund to DE89 3704 0044 0532 0130 00.",
			[]m{{"CREDIT_CARD", "4539 1488 0343 6467"}, {"IBAN", "DE89 3704 0044 0532 0130 00"}}},
		{"card failing Luhn", "tracking 4539 1488 0343 6468 shipped", nil},
		{"ssn", "SSN 536-90-4399 on file", []m{{"NATIONAL_ID", "536-90-4399"}}},
		{"invalid ssn", "ref 000-12-3456", nil},
		{"bsn needs a keyword", "order 111222333 shipped", nil},
		{"bsn after keyword", "BSN: 111222333", []m{{"NATIONAL_ID", "111222333"}}},
		{"nir", "NIR 2 55 08 14 168 025 38", []m{{"NATIONAL_ID", "2 55 08 14 168 025 38"}}},
		{"ip", "login from 81.2.69.160 failed", []m{{"IP_ADDRESS", "81.2.69.160"}}},
		{"version is not an ip", "upgrade to 1.2.3.4 now", nil},
		{"email without public suffix", "root@localhost.localdomain", nil},
		{"amount is not a phone", "total 1234.56 EUR", nil},
		{"date is not a phone", "on 2024-01-05 we met", nil},
		{"us phone valid", "call (212) 736-5000", []m{{"PHONE", "(212) 736-5000"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []m
			for _, x := range FindPII(tc.text, nil) {
				got = append(got, m{x.Entity, tc.text[x.Start:x.End]})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("FindPII(%q) = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
}

func TestFindPIIEntities(t *testing.T) {
	text := "jane.doe@example.com +49 30 1234567"
	got := FindPII(text, &ScanOptions{Entities: []string{"PHONE"}})
	if len(got) != 1 || got[0].Entity != "PHONE" {
		t.Errorf("FindPII(%q, PHONE only) = %v, want one PHONE", text, got)
	}
}
