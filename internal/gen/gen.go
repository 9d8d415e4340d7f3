// Package gen generates Adult-like tables with fake identifiers, for the
// demo, benchmarks and tests.
//
// Each row takes its demographic columns (sex, age, race, marital-status,
// education, native-country, workclass, occupation, salary-class) from a row
// of the UCI Adult extract drawn at random, so the joint distribution of
// those columns is Adult's; it adds identifying columns made up from
// embedded name lists (customer_id, name, email, phone, ssn, birth_date
// consistent with age, zip) and an income consistent with salary-class.
// None of the identifiers belongs to a real person: names are combined at
// random, e-mail domains are the reserved example domains, and phone and
// social security numbers are random but structurally valid (the fictional
// 555 exchange is avoided because phone validators reject it).
//
// Output is a pure function of (rows, seed).
package gen

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed adult.csv.gz
var adultGz []byte

// Columns are the generated table's columns, in order.
var Columns = []string{
	"customer_id", "name", "email", "phone", "ssn", "birth_date", "zip",
	"sex", "age", "race", "marital-status", "education", "native-country",
	"workclass", "occupation", "salary-class", "income",
}

// QuasiIdentifiers are the Adult columns that have hierarchies.
var QuasiIdentifiers = []string{"sex", "age", "race", "marital-status", "education", "native-country", "workclass", "occupation"}

var (
	adultOnce sync.Once
	adultRows [][]string
	adultErr  error
)

// AdultRows returns the rows of the embedded Adult extract (30,162 rows, 9
// columns: sex, age, race, marital-status, education, native-country,
// workclass, occupation, salary-class). The slice is shared: do not modify.
func AdultRows() ([][]string, error) {
	adultOnce.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(adultGz))
		if err != nil {
			adultErr = err
			return
		}
		r := csv.NewReader(zr)
		r.Comma = ';'
		recs, err := r.ReadAll()
		if err != nil {
			adultErr = err
			return
		}
		adultRows = recs[1:]
	})
	return adultRows, adultErr
}

// AdultCSV returns the embedded Adult extract as `;`-separated CSV text.
func AdultCSV() ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(adultGz))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

var maleNames = strings.Fields(`James Robert John Michael David William Richard Joseph Thomas Christopher Charles
Daniel Matthew Anthony Mark Donald Steven Andrew Paul Joshua Kenneth Kevin Brian George Timothy Ronald Jason Edward
Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander
Patrick Frank Raymond Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Zachary Douglas Peter Kyle Noah Ethan
Jeremy Walter Christian Keith Roger Terry Austin Sean Gerald Carl Harold Dylan Arthur Lawrence Jordan Jesse Bryan
Billy Bruce Gabriel Joe Logan Alan Juan Albert Willie Elijah Wayne Randy Vincent Mason Roy Ralph Bobby Russell
Bradley Philip Eugene Luis Carlos Miguel Wei Ahmed Hiroshi Raj`)

var femaleNames = strings.Fields(`Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy
Betty Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Rebecca Sharon
Laura Cynthia Dorothy Amy Kathleen Angela Shirley Emma Brenda Pamela Nicole Anna Samantha Katherine Christine Debra
Rachel Carolyn Janet Maria Olivia Heather Helen Catherine Diane Julie Victoria Joyce Lauren Kelly Christina Ruth Joan
Virginia Judith Evelyn Hannah Andrea Megan Cheryl Jacqueline Madison Teresa Abigail Sophia Martha Sara Gloria Janice
Kathryn Ann Isabella Judy Charlotte Julia Grace Amber Alice Jean Denise Frances Danielle Marilyn Natalie Beverly
Diana Brittany Theresa Kayla Alexis Doris Lori Tiffany Lucia Sofia Mei Fatima Yuki Priya`)

var lastNames = strings.Fields(`Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez
Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark
Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall
Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart
Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward
Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel
Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales
Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole
Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez
McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson
Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd
Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner
Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Hansen Peters Santos Hart Bradley Knight Elliott Cunningham
Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston Matthews
Pena Richards Contreras Willis Carpenter Lawrence Sandoval O'Brien O'Connor`)

var emailDomains = []string{"example.com", "example.org", "example.net", "mail.example.com", "post.example.org"}

var areaCodes = []int{201, 202, 203, 206, 212, 213, 214, 215, 216, 248, 267, 281, 301, 303, 305, 310, 312, 313, 314,
	315, 317, 323, 330, 347, 404, 408, 410, 412, 415, 469, 480, 503, 504, 510, 512, 513, 520, 602, 608, 612, 614, 615,
	617, 619, 626, 646, 650, 678, 702, 703, 704, 713, 714, 718, 720, 727, 732, 773, 781, 786, 801, 804, 808, 813, 816,
	818, 832, 847, 858, 904, 909, 914, 916, 919, 925, 949, 954, 971, 972, 973}

// refDate is the day ages are counted to; a fixed date keeps output stable.
var refDate = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)

// Write writes rows rows of the generated table as comma-separated CSV with
// a header to w.
func Write(w io.Writer, rows int, seed uint64) error {
	return WriteContext(context.Background(), w, rows, seed)
}

// WriteContext is Write, stopping with ctx's error when ctx is done.
func WriteContext(ctx context.Context, w io.Writer, rows int, seed uint64) error {
	adult, err := AdultRows()
	if err != nil {
		return fmt.Errorf("gen: embedded adult data: %w", err)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString(strings.Join(Columns, ","))
	bw.WriteByte('\n')
	rng := rand.New(rand.NewPCG(seed, 0x5eed0f7e11))
	var b []byte
	for i := 0; i < rows; i++ {
		if i&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		b = appendRow(b[:0], rng, adult, i)
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func appendRow(b []byte, rng *rand.Rand, adult [][]string, i int) []byte {
	a := adult[rng.IntN(len(adult))]
	names := maleNames
	if a[0] == "Female" {
		names = femaleNames
	}
	first := names[rng.IntN(len(names))]
	last := lastNames[rng.IntN(len(lastNames))]
	age, _ := strconv.Atoi(a[1])

	b = strconv.AppendInt(b, int64(100000+i), 10)
	b = append(b, ',')
	b = append(b, first...)
	b = append(b, ' ')
	b = append(b, last...)
	b = append(b, ',')
	b = appendLowerAlpha(b, first)
	b = append(b, '.')
	b = appendLowerAlpha(b, last)
	if rng.IntN(3) == 0 {
		b = strconv.AppendInt(b, int64(rng.IntN(100)), 10)
	}
	b = append(b, '@')
	b = append(b, emailDomains[rng.IntN(len(emailDomains))]...)
	b = append(b, ',')
	// Phone: +1 NPA-NXX-XXXX, exchange 200-999 avoiding N11 and 555.
	b = append(b, "+1 "...)
	b = strconv.AppendInt(b, int64(areaCodes[rng.IntN(len(areaCodes))]), 10)
	b = append(b, '-')
	ex := 200 + rng.IntN(800)
	for ex%100 == 11 || ex == 555 {
		ex = 200 + rng.IntN(800)
	}
	b = strconv.AppendInt(b, int64(ex), 10)
	b = append(b, '-')
	b = appendPadded(b, rng.IntN(10000), 4)
	b = append(b, ',')
	// SSN: area 001-899 except 666, group 01-99, serial 0001-9999.
	area := 1 + rng.IntN(899)
	if area == 666 {
		area = 667
	}
	b = appendPadded(b, area, 3)
	b = append(b, '-')
	b = appendPadded(b, 1+rng.IntN(99), 2)
	b = append(b, '-')
	b = appendPadded(b, 1+rng.IntN(9999), 4)
	b = append(b, ',')
	born := refDate.AddDate(-age, 0, -rng.IntN(365)-1)
	b = born.AppendFormat(b, "2006-01-02")
	b = append(b, ',')
	b = appendPadded(b, 1001+rng.IntN(98950), 5)
	for _, v := range a {
		b = append(b, ',')
		b = append(b, v...)
	}
	b = append(b, ',')
	b = strconv.AppendInt(b, income(rng, a[8]), 10)
	return append(b, '\n')
}

// income draws a yearly income consistent with Adult's salary class.
func income(rng *rand.Rand, class string) int64 {
	if strings.HasPrefix(class, ">") {
		v := 50001 + math.Exp(rng.NormFloat64()*0.5+10.6) // median about 90k
		return int64(math.Min(v, 1_000_000)) / 100 * 100
	}
	v := 8000 + rng.Float64()*42000
	return int64(v) / 100 * 100
}

func appendPadded(b []byte, v, width int) []byte {
	s := strconv.Itoa(v)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func appendLowerAlpha(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c >= 'a' && c <= 'z':
			b = append(b, c)
		}
	}
	return b
}

//go:embed hierarchies/*.csv
var hierarchies embed.FS

// Hierarchy returns the ARX generalization hierarchy of an Adult column
// (sex, age, race, marital-status, education, native-country, workclass,
// occupation, salary-class), as shipped with ARX's Adult example.
func Hierarchy(column string) ([]byte, error) {
	return hierarchies.ReadFile("hierarchies/" + column + ".csv")
}
