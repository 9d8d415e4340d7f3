package profile

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestNormalizeName(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"first_name", []string{"first", "name"}},
		{"dateOfBirth", []string{"date", "of", "birth"}},
		{"HTTPStatus", []string{"http", "status"}},
		{"Téléphone", []string{"telephone"}},
		{"Straße", []string{"strasse"}},
		{"Kunden-TelefonNr.", []string{"kunden", "telefon", "nr"}},
		{"col_7", []string{"col", "7"}},
		{"address1", []string{"address", "1"}},
		{"  e-mail  ", []string{"e", "mail"}},
	}
	for _, tc := range tests {
		if got := NormalizeName(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("NormalizeName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func entityDefOf(entity, subtype string) *entityDef {
	for _, d := range entities() {
		if d.entity == entity && (subtype == "" || d.subtype == subtype) {
			return d
		}
	}
	panic("no entity " + entity)
}

func TestMatchName(t *testing.T) {
	tests := []struct {
		name, column, entity string
		want                 float64
	}{
		{"exact token", "email", "EMAIL", 1},
		{"token in a longer name", "customer_email", "EMAIL", 1},
		{"flag is negative", "email_verified", "EMAIL", -1},
		{"count is negative", "phone_count", "PHONE", -1},
		{"page is not age", "page", "AGE", 0},
		{"usage is not age", "usage", "AGE", 0},
		{"average age is not an age", "average_age", "AGE", -1},
		{"passenger is not password", "passenger", "CREDENTIAL", 0},
		{"german compound", "kundentelefonnummer", "PHONE", 0.6},
		{"german compound with token", "geburtsdatum_kunde", "DATE_OF_BIRTH", 1},
		{"french accents", "numéro_sécurité_sociale", "NATIONAL_ID", 1},
		{"spanish", "correo_electronico", "EMAIL", 1},
		{"dutch", "achternaam", "PERSON_NAME", 1},
		{"company name is not a person", "company_name", "PERSON_NAME", -1},
		{"postal code keeps its code", "postal_code", "POSTAL_CODE", 1},
		{"product code is not a zip", "product_code", "POSTAL_CODE", 0},
		{"camel case", "dateOfBirth", "DATE_OF_BIRTH", 1},
		{"tel needs a whole token", "hotel", "PHONE", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := entityDefOf(tc.entity, "")
			toks := NormalizeName(tc.column)
			got := matchName(toks, strings.Join(toks, ""), d.hints, d.neg)
			if got.score != tc.want {
				t.Errorf("matchName(%q, %s) = %v (hint %q, negative %q), want %v", tc.column, tc.entity, got.score, got.hint, got.negative, tc.want)
			}
		})
	}
}

func TestHLLEstimate(t *testing.T) {
	// The relative standard error of 2^14 registers is 1.04/128 ≈ 0.81 %;
	// 4 % is about five standard errors, so a false failure has
	// probability below 1e-6 (and the seeds are fixed).
	for _, n := range []int{100, 20_000, 100_000, 1_000_000} {
		var h hll
		r := rand.New(rand.NewPCG(uint64(n), 3))
		for i := 0; i < n; i++ {
			h.add(hash64(strconv.FormatUint(r.Uint64(), 36)))
		}
		got := h.estimate()
		if rel := math.Abs(got-float64(n)) / float64(n); rel > 0.04 {
			t.Errorf("hll estimate of %d distinct values = %.0f (%.2f %% off), want within 4 %%", n, got, rel*100)
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		entity, in, want string
	}{
		{"EMAIL", "jane.doe@example.com", "j***@e***.com"},
		{"CREDIT_CARD", "4111 1111 1111 1234", "**** **** **** 1234"},
		{"IBAN", "DE89370400440532013000", "DE** **** **** **** **30 00"},
		{"PHONE", "+49 30 1234567", "+49 ** *****67"},
		{"PHONE", "(212) 555-0142", "(***) ***-**42"},
		{"PERSON_NAME", "Jane van Doe", "J*** v*** D***"},
		{"IP_ADDRESS", "192.168.10.20", "192.*.*.*"},
		{"NATIONAL_ID", "536-90-4399", "***-**-**99"},
		{"DATE_OF_BIRTH", "1984-03-12", "****-**-**"},
		{"RECORD_ID", "42", "**"},
		{"", "Berlin", "******"},
	}
	for _, tc := range tests {
		if got := Mask(tc.entity, tc.in); got != tc.want {
			t.Errorf("Mask(%q, %q) = %q, want %q", tc.entity, tc.in, got, tc.want)
		}
	}
}

func TestMaskNeverReturnsTheValue(t *testing.T) {
	values := []string{"ab", "Jo", "x@y.de", "12", "1.2.3.4", "AB 12 34 56 C", "M", "Müller", "+1 212 555 0142"}
	for _, e := range []string{"EMAIL", "PHONE", "PERSON_NAME", "NATIONAL_ID", "IBAN", "CREDIT_CARD", "IP_ADDRESS", "URL", "ADDRESS", ""} {
		for _, v := range values {
			if len(v) < 2 {
				continue
			}
			if got := Mask(e, v); got == v {
				t.Errorf("Mask(%q, %q) = %q, the value itself", e, v, got)
			}
		}
	}
}
