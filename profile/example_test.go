package profile_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/profile"
)

func ExampleRun() {
	var b strings.Builder
	b.WriteString("customer_id,email,iban,order_total,email_verified\n")
	ibans := []string{"DE89370400440532013000", "GB82WEST12345698765432", "NL91ABNA0417164300", "BE68539007547034",
		"ES9121000418450200051332", "FR1420041010050500013M02606"}
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&b, "%d,user%d@example.org,%s,%d.%02d,%v\n", 1000+i, i, ibans[i%len(ibans)], 10+i*3, i%100, i%3 == 0)
	}
	r, err := dataset.NewCSVReader(strings.NewReader(b.String()), "orders.csv", nil)
	if err != nil {
		panic(err)
	}
	p, err := profile.Run(context.Background(), r, &profile.Options{Seed: 1})
	if err != nil {
		panic(err)
	}
	for _, c := range p.Columns {
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%-14s %-10s %s", c.Name, c.Role, c.Entity)))
	}
	// Output:
	// customer_id    identifier RECORD_ID
	// email          direct     EMAIL
	// iban           direct     IBAN
	// order_total    other
	// email_verified other
}

func ExampleFindPII() {
	text := "Refund to DE89 3704 0044 0532 0130 00, questions to jane.doe@example.com"
	for _, m := range profile.FindPII(text, nil) {
		fmt.Println(m.Entity, profile.Mask(m.Entity, text[m.Start:m.End]))
	}
	// Output:
	// IBAN DE** **** **** **** **30 00
	// EMAIL j***@e***.com
}

func ExampleMask() {
	fmt.Println(profile.Mask("EMAIL", "jane.doe@example.com"))
	fmt.Println(profile.Mask("CREDIT_CARD", "4539 1488 0343 6467"))
	// Output:
	// j***@e***.com
	// **** **** **** 6467
}
