package dataset

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// refusedHeaderCells are first-row cells that identify a person: a header
// holding any one of them is a data row.
var refusedHeaderCells = []struct{ cell, shape string }{
	{"ronald.lawrence@post.example.com", "an e-mail address"},
	{"Jane.Doe+news@Example.CO.UK", "an e-mail address"},
	{"a@b.io", "an e-mail address"},
	{"  padded@example.org  ", "an e-mail address"},
	{"851-75-3555", "a US social security number"},
	{"4111 1111 1111 1111", "a payment card number"},
	{"4111-1111-1111-1111", "a payment card number"},
	{"4111111111111111", "a payment card number"},
	{"378282246310005", "a payment card number"},   // Amex, 15 digits
	{"3460 208113 54647", "a payment card number"}, // Amex grouping
	{"6011000990139424", "a payment card number"},
	{"DE89 3704 0044 0532 0130 00", "an IBAN"},
	{"DE89370400440532013000", "an IBAN"},
	{"GB82WEST12345698765432", "an IBAN"},
	{"NL91 ABNA 0417 1643 00", "an IBAN"},
	{"192.168.1.10", "an IP address"},
	{"3.9.13.31", "an IP address"},
	{"2001:db8::1", "an IP address"},
	{"fe80::1ff:fe23:4567:890a%eth2", "an IP address"},
	{"+1 202-823-0778", "a phone number"},
	{"(978) 859-2967", "a phone number"},
	{"415.303.4190", "a phone number"},
	{"555-123-4567", "a phone number"},
	{"+31612345678", "a phone number"},
	{"+31 6 80798117", "a phone number"},
	{"0612345678", "a phone number"},
	{"06-10216389", "a phone number"},
	{"020 7946 0958", "a phone number"},
	{"040 17400403", "a phone number"},
	{"06 28 85 66 89", "a phone number"},
	{"+44 (0)20 7946 0958", "a phone number"},
}

// acceptedHeaderCells are column names, however unusual, that must not be
// taken for data.
var acceptedHeaderCells = []string{
	"name", "first_name", "customer_id", "col_1", "col_16", "x", "A", "#", "No.", "%",
	"2023", "1", "2", "0", "1234567", "20240101", "3.1415926", "0.1234567", "1 000",
	"2019-2023", "2019 - 2023", "0-1000000", "2024-01", "01/2024", "Q1 2024", "FY24",
	"amount (EUR)", "Total (2023)", "e-mail", "E-Mail-Adresse", "phone_number", "phone", "ssn",
	"dob", "zip", "Unnamed: 0", "Unnamed: 12", "ip", "client_ip", "mac_adres", "iban", "IBAN",
	"card_number", "v1.2.3", "1.2.3", "user@host", "@handle", "mailto:", "salary-class",
	"marital-status", "native-country", "Steuer-ID", "numéro_sécurité_sociale", "prénom",
	"Date of birth of the primary account holder (yyyy-mm-dd)",
	"Customer's e-mail address, as entered at sign-up",
	"Phone number (mobile, +country code)",
	"Total revenue FY24 / EUR", "FY24 Revenue Forecast Total", "FY24TOTALREVENUE",
	"ABCD EFGH IJKL MNOP", "Straße", "Anzahl_Kinder",
	"4111111111111112", // 16 digits failing Luhn
	"13/13/2023",       // no such date
	"2023/13/01",       // no such date
	"2023-01-15 (holiday)",
	"1996-11-17", "17.11.1996", "11/17/1996", "2023-01-15T10:20:30Z", // dates name columns of pivoted exports
}

func TestHeaderDataShapeRefused(t *testing.T) {
	for _, tc := range refusedHeaderCells {
		if got := headerDataShape(tc.cell); got != tc.shape {
			t.Errorf("headerDataShape(%q) = %q, want %q", tc.cell, got, tc.shape)
		}
	}
}

func TestHeaderDataShapeAccepted(t *testing.T) {
	for _, cell := range acceptedHeaderCells {
		if got := headerDataShape(cell); got != "" {
			t.Errorf("headerDataShape(%q) = %q, want it accepted as a column name", cell, got)
		}
	}
}

// cellTokens returns the runs of letters or digits of cell that are at least
// 3 long: an error message must contain none of them.
func cellTokens(cell string) []string {
	return regexp.MustCompile(`[\p{L}\p{N}]{3,}`).FindAllString(cell, -1)
}

func checkHeaderDataError(t *testing.T, err error, file string, column int, cells []string) {
	t.Helper()
	if !errors.Is(err, ErrHeaderIsData) {
		t.Fatalf("err = %v, want %v", err, ErrHeaderIsData)
	}
	var de *DataError
	if !errors.As(err, &de) {
		t.Fatalf("err = %T, want *DataError", err)
	}
	if de.File != file || de.Row != 0 || de.Line != 1 || de.Column != "" {
		t.Errorf("place = file %q row %d line %d column %q, want %s, the header, line 1, no column name",
			de.File, de.Row, de.Line, de.Column, file)
	}
	msg := err.Error()
	wantPrefix := file + ": header (line 1): column " + strconv.Itoa(column) + ": "
	if !strings.HasPrefix(msg, wantPrefix) {
		t.Errorf("error %q does not start with %q", msg, wantPrefix)
	}
	if !strings.Contains(msg, "add a first line of column names, or read the file as headerless (--no-header") {
		t.Errorf("error %q does not say what to do", msg)
	}
	text := strings.TrimPrefix(msg, file) // a temporary path may hold any digits
	for _, c := range cells {
		for _, tok := range cellTokens(c) {
			if strings.Contains(text, tok) {
				t.Errorf("error %q quotes %q, from the cell %q", msg, tok, c)
			}
		}
	}
}

// TestCSVHeaderLooksLikeData opens headerless files, whose first row is a
// person, with each delimiter and each refused shape in the third column.
func TestCSVHeaderLooksLikeData(t *testing.T) {
	for _, delim := range []string{",", ";", "\t", "|"} {
		for _, tc := range refusedHeaderCells {
			row1 := []string{"1001", "Quentin Zybrowski", tc.cell, "Springfield"}
			row2 := []string{"1002", "Wilhelmina Oyelaran", tc.cell, "Shelbyville"}
			text := strings.Join(row1, delim) + "\n" + strings.Join(row2, delim) + "\n"
			_, err := NewCSVReader(strings.NewReader(text), "nohdr.csv", nil)
			if err == nil {
				t.Errorf("delimiter %q, cell %q: the header was accepted", delim, tc.cell)
				continue
			}
			checkHeaderDataError(t, err, "nohdr.csv", 3, row1)
			if !strings.Contains(err.Error(), "("+tc.shape+")") {
				t.Errorf("error %q does not name the shape %q", err, tc.shape)
			}
		}
	}
}

// TestOpenHeaderlessCSV reads a headerless export from disk, as veil's
// commands do: the first refused cell is named by its column number, and
// the check comes before the empty and duplicate name rules, which a data
// row breaks too (the empty second cell, the repeated "Male").
func TestOpenHeaderlessCSV(t *testing.T) {
	dir := t.TempDir()
	row1 := []string{"100000", "", "Male", "Male", "ronald.lawrence@post.example.com", "+1 202-823-0778", "851-75-3555", "1996-11-17"}
	text := strings.Join(row1, ",") + "\n" +
		"100001,Tyler Webb,Male,Male,tyler.webb3@post.example.com,+1 781-962-1024,233-30-4909,1992-01-23\n"
	for _, ext := range []string{".csv", ".tsv"} {
		content := text
		if ext == ".tsv" {
			content = strings.ReplaceAll(text, ",", "\t")
		}
		path := filepath.Join(dir, "nohdr"+ext)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, opt := range []*Options{nil, {InferRows: -1}} {
			r, err := Open(path, opt)
			if err == nil {
				r.Close()
				t.Fatalf("%s: opened a headerless file", path)
			}
			checkHeaderDataError(t, err, path, 5, row1)
		}
	}
}

// TestCSVAcceptedHeaders reads a file whose header holds every accepted
// name.
func TestCSVAcceptedHeaders(t *testing.T) {
	seen := map[string]bool{}
	var names []string
	for _, n := range acceptedHeaderCells {
		if !seen[n] {
			seen[n] = true
			names = append(names, `"`+n+`"`)
		}
	}
	text := strings.Join(names, ",") + "\n" + strings.Repeat("1,", len(names)-1) + "1\n"
	r := mustReader(t, text, &Options{Delimiter: ','})
	if got := r.Schema().Len(); got != len(names) {
		t.Errorf("%d columns, want %d", got, len(names))
	}
	if rows := readAll(t, r); len(rows) != 1 {
		t.Errorf("%d rows, want 1", len(rows))
	}
}

// TestHeaderCheckAcceptsRepoFixtures opens every CSV the repository ships
// for tests: none of their headers may be refused.
func TestHeaderCheckAcceptsRepoFixtures(t *testing.T) {
	n := 0
	for _, root := range []string{"../testdata", "../internal/gen/hierarchies", "testdata"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".csv", ".tsv":
			default:
				return nil
			}
			n++
			r, err := Open(path, &Options{InferRows: 1})
			if errors.Is(err, ErrHeaderIsData) {
				t.Errorf("%s: header refused: %v", path, err)
			}
			if err == nil {
				r.Close()
			}
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	if n == 0 {
		t.Skip("no CSV fixtures found")
	}
}

// TestCSVDateAboveDates refuses a first row whose date sits above a column
// of dates: a headerless export whose other cells (a name, a town) have no
// identifying shape. A date above numbers names a pivoted column.
func TestCSVDateAboveDates(t *testing.T) {
	row1 := []string{"Quentin Zybrowski", "1996-11-17", "Springfield"}
	text := strings.Join(row1, ",") + "\nWilhelmina Oyelaran,1992-01-23,Shelbyville\nAda Okafor,1988-07-02,Ogdenville\n"
	for _, opt := range []*Options{nil, {InferRows: -1}} {
		path := filepath.Join(t.TempDir(), "people.csv")
		os.WriteFile(path, []byte(text), 0o600)
		r, err := Open(path, opt)
		if err == nil {
			r.Close()
			t.Fatalf("%+v: opened a file whose first row is a person", opt)
		}
		checkHeaderDataError(t, err, path, 2, row1)
		if !strings.Contains(err.Error(), "(a date above a column of dates)") {
			t.Errorf("error %q does not say why", err)
		}
	}
	pivot := "region,2024-01-31,2024-02-29\nnorth,120,131\nsouth,98,102\n"
	r := mustReader(t, pivot, nil)
	if got := r.Schema().Names(); len(got) != 3 || got[1] != "2024-01-31" {
		t.Errorf("pivoted export: columns %v", got)
	}
}

// TestCSVNoHeader reads files whose first line is data: the columns are
// col1, col2..., the first record is row 1 on line 1 and counts towards
// inference, and its errors name it.
func TestCSVNoHeader(t *testing.T) {
	text := "Quentin Zybrowski,1996-11-17,q@example.org,41\nWilhelmina Oyelaran,1992-01-23,NA,37\n"
	for _, opt := range []*Options{{NoHeader: true}, {NoHeader: true, InferRows: -1}, {NoHeader: true, InferRows: 1}} {
		path := filepath.Join(t.TempDir(), "people.csv")
		os.WriteFile(path, []byte(text), 0o600)
		o := *opt
		o.NullTokens = []string{"", "NA"}
		r, err := Open(path, &o)
		if err != nil {
			t.Fatalf("%+v: %v", opt, err)
		}
		s := r.Schema()
		if got := strings.Join(s.Names(), " "); got != "col1 col2 col3 col4" {
			t.Errorf("%+v: columns %q", opt, got)
		}
		if s.Columns[1].Kind != Date || s.Columns[3].Kind != Integer {
			t.Errorf("%+v: kinds %v %v, want date and integer", opt, s.Columns[1].Kind, s.Columns[3].Kind)
		}
		rec, err := r.Read()
		if err != nil || rec.Row != 1 || rec.Values[0].Text != "Quentin Zybrowski" || r.Pos(2).Line != 1 {
			t.Fatalf("%+v: first record %+v (%v), line %d", opt, rec, err, r.Pos(2).Line)
		}
		rec, err = r.Read()
		if err != nil || rec.Row != 2 || !rec.Values[2].Null || r.Pos(2).Line != 2 {
			t.Fatalf("%+v: second record %+v (%v), line %d", opt, rec, err, r.Pos(2).Line)
		}
		if _, err := r.Read(); err != io.EOF {
			t.Errorf("%+v: %v after two records, want EOF", opt, err)
		}
		r.Close()
	}
	// An invalid byte in the first record names row 1, line 1 and its column.
	_, err := NewCSVReader(strings.NewReader("ok,b\xffad\nok,fine\n"), "bad.csv", &Options{NoHeader: true})
	var de *DataError
	if !errors.As(err, &de) || de.Row != 1 || de.Line != 1 || de.Column != "col2" || !errors.Is(err, ErrInvalidUTF8) {
		t.Errorf("invalid UTF-8 in the first record: %v", err)
	}
	// A row with another number of fields names its row.
	_, err = NewCSVReader(strings.NewReader("a,b\nc\n"), "short.csv", &Options{NoHeader: true})
	if !errors.As(err, &de) || de.Row != 2 || !errors.Is(err, ErrFieldCount) || !strings.HasSuffix(err.Error(), "the first row has 2") {
		t.Errorf("short second record: %v", err)
	}
}
