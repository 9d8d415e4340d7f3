package corpus

import (
	"fmt"
	"strconv"
	"strings"
)

// Name lists. English names follow the US birth and census frequency
// tables loosely; every list mixes frequent names with rarer and recent ones
// that the profiler's dictionary may not hold.
var (
	enFirst = strings.Fields(`James Michael Robert John David William Richard Joseph Thomas Christopher Daniel Matthew
		Anthony Mark Steven Andrew Joshua Kevin Brian Ryan Tyler Jaxon Brayden Kayden Zayden Ryker Oakley Colton
		Mary Patricia Jennifer Linda Elizabeth Susan Jessica Sarah Karen Lisa Nancy Ashley Emily Megan Hailey
		Brielle Kinsley Nevaeh Paisley Everleigh Skylar Aubree Harper Madison Avery Khloe Journee Marisol`)
	enLast = strings.Fields(`Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Wilson Anderson
		Taylor Thomas Moore Jackson White Harris Clark Lewis Walker Hall Young King Wright Lopez Hill Scott Green
		Okafor Nakamura Kowalczyk Abernathy Delacroix Whitfield Pemberton Castellanos Nguyen Tran Haugen Lindqvist
		Oyelaran Fitzgerald McAllister Vandermeer Prescott Hollingsworth Blackwood Yazzie Begay`)
	deFirst = strings.Fields(`Lukas Leon Finn Jonas Paul Felix Maximilian Elias Noah Emil Moritz Niklas Tim Julian
		Anton Henrik Jannik Malte Till Ole Wiebke Anna Lea Lena Hannah Sophie Marie Emilia Mia Lina Ella Clara Leonie
		Johanna Frieda Greta Ida Merle Svenja Ute Gudrun Waltraud Hiltrud Detlef Hartmut Reinhard Volker Bärbel`)
	deLast = strings.Fields(`Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch
		Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Brinkmann
		Janssen Petersen Hinrichs Ostermann Kowalski Nowak Yilmaz Öztürk Lindner Rademacher Vogelsang Westphal`)
	frFirst = strings.Fields(`Jean Pierre Michel Philippe Nicolas Julien Thomas Antoine Maxime Hugo Lucas Louis Gabriel
		Arthur Jules Léo Théo Enzo Clément Baptiste Gaspard Anatole Marie Nathalie Isabelle Sophie Camille Léa Manon
		Chloé Inès Juliette Zoé Lucie Pauline Mathilde Élodie Aurélie Solène Maëlle Capucine Apolline Gwenaëlle`)
	frLast = strings.Fields(`Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent
		Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard Mercier Dupont Lambert Bonnet
		Le_Goff Kerbrat Tanguy Marchetti Santoni Paoli Casanova Lemaître Bouchard Texier Carré`)
	esFirst = strings.Fields(`Antonio José Manuel Francisco David Juan Javier Daniel Carlos Jesús Alejandro Miguel
		Rafael Pedro Pablo Sergio Álvaro Diego Adrián Unai Aitor Xabier Íñigo María Carmen Ana Isabel Laura Cristina
		Marta Lucía Pilar Elena Sara Paula Raquel Irene Alba Sofía Martina Leire Itziar Maite Begoña Amaia`)
	esLast = strings.Fields(`García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez
		Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez Ramos
		Etxeberria Agirre Goikoetxea Arrieta Zubizarreta Bengoechea Olaizola Quintana Escudero Montoya`)
	nlFirst = strings.Fields(`Daan Sem Lucas Levi Finn Milan Bram Jesse Ruben Thijs Lars Stijn Niels Koen Jeroen
		Maarten Sjoerd Wietse Jelle Hidde Emma Julia Mila Tess Sophie Sara Nora Yara Eva Lotte Noor Fenna Saar Anne
		Lisa Sanne Femke Iris Fleur Lieke Jantine Wieteke Marrit Anouk Sietske`)
	nlLast = strings.Fields(`Jong Jansen Vries Berg Dijk Bakker Janssen Visser Smit Meijer Boer Mulder Groot Bos Vos
		Peters Hendriks Leeuwen Dekker Brouwer Wit Dijkstra Smits Graaf Meer Kok Jacobs Haan Vermeulen Heuvel
		Veen Brink Hoekstra Zwart Terpstra Wijnalda Oosterhuis Kloosterman Sikkema`)
	nlTussen = []string{"", "", "", "de ", "van ", "van der ", "van den ", "ter "}
)

var (
	deCities  = strings.Fields(`Berlin Hamburg München Köln Frankfurt Stuttgart Düsseldorf Leipzig Dortmund Essen Bremen Dresden Hannover Nürnberg Bonn Münster Kiel Rostock`)
	deStreets = strings.Fields(`Hauptstraße Bahnhofstraße Gartenweg Schulstraße Kirchplatz Lindenallee Bergstraße Am_Markt Rosengasse Mühlenweg Goethestraße Schillerring`)
	frCities  = strings.Fields(`Paris Marseille Lyon Toulouse Nice Nantes Strasbourg Montpellier Bordeaux Lille Rennes Ajaccio Bastia Brest Dijon Angers`)
	frStreets = []string{"rue de la Paix", "avenue Victor Hugo", "boulevard Voltaire", "rue des Lilas", "chemin des Vignes",
		"allée des Tilleuls", "place de la République", "impasse du Moulin", "rue Nationale", "quai de la Loire"}
	esCities  = strings.Fields(`Madrid Barcelona Valencia Sevilla Zaragoza Málaga Murcia Palma Bilbao Alicante Córdoba Valladolid Vigo Gijón Granada`)
	esStreets = []string{"Calle Mayor", "Calle de Alcalá", "Avenida de la Constitución", "Paseo de Gracia", "Calle Real",
		"Plaza de España", "Calle del Sol", "Avenida Diagonal", "Camino de Ronda", "Calle San Vicente"}
	nlCities = strings.Fields(`Amsterdam Rotterdam Utrecht Eindhoven Groningen Tilburg Almere Breda Nijmegen Leeuwarden Zwolle Haarlem Delft Leiden`)
	ukCities = []string{"London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol", "Liverpool", "Cardiff", "Edinburgh"}
	usStates = strings.Fields(`CA TX NY FL IL PA OH GA NC MI NJ VA WA AZ MA TN IN MO MD WI`)
	usSuffix = []string{"Street", "Avenue", "Road", "Lane", "Drive", "Court", "Boulevard", "Way", "Place", "St", "Ave"}
	icd10    = strings.Fields(`E11.9 I10 J45.909 M54.5 F32.9 K21.9 E78.5 J06.9 N39.0 R51 I25.10 G43.909 F41.1 M17.11 L40.0 C50.911 B20 O80 Z00.00 S82.201A`)
)

func (g *gen) deName() (string, string) { return g.pick(deFirst), g.pick(deLast) }

func (g *gen) crm() (File, []Label) {
	type person struct{ first, last, email, phone string }
	ps := make([]person, rows)
	for i := range ps {
		first, last := g.pick(enFirst), g.pick(enLast)
		ps[i] = person{first, last, g.email(first, last, []string{"gmail.com", "yahoo.com", "outlook.com", "comcast.net", "icloud.com", "acme-corp.com"}),
			g.phone("US", "(###) ###-####", "+1 ###-###-####", "###-###-####", "###.###.####")}
	}
	notes := func(i int) string {
		switch g.r.IntN(10) {
		case 0:
			return "Asked us to use the secondary address " + g.email(g.pick(enFirst), g.pick(enLast), []string{"gmail.com", "hotmail.com"}) + " for invoices from now on"
		case 1:
			return "Call back on the mobile " + g.phone("US", "(###) ###-####") + " after 5pm, not the office line"
		case 2:
			return "Renewal discussed with the account team, follow up in the second quarter"
		case 3:
			return "Prefers paper statements; complained about the late delivery last month"
		case 4:
			return "Upgraded to the annual plan after the trial ended without any issue"
		case 5:
			return "Requested a refund for the duplicate charge, ticket closed by support"
		default:
			return ""
		}
	}
	return g.table("crm_en.csv", ',', []col{
		{name: "customer_id", role: "identifier", entity: "RECORD_ID", val: func(i int) string { return strconv.Itoa(100231 + i*7) }},
		{name: "first_name", role: "direct", entity: "PERSON_NAME", val: func(i int) string { return ps[i].first }},
		{name: "last_name", role: "direct", entity: "PERSON_NAME", val: func(i int) string { return ps[i].last }},
		{name: "email", role: "direct", entity: "EMAIL", val: func(i int) string { return ps[i].email }},
		{name: "phone", role: "direct", entity: "PHONE", val: func(i int) string { return ps[i].phone }, nulls: 0.05},
		{name: "street_address", role: "direct", entity: "ADDRESS", val: func(int) string {
			return fmt.Sprintf("%d %s %s", 1+g.r.IntN(9800), g.f.LastName(), g.pick(usSuffix))
		}},
		{name: "city", role: "quasi", entity: "CITY", val: func(int) string { return g.f.City() }},
		{name: "state", role: "quasi", entity: "GEO", val: func(int) string { return g.pick(usStates) }},
		{name: "zip", role: "quasi", entity: "POSTAL_CODE", val: func(int) string { return fmt.Sprintf("%05d", 1000+g.r.IntN(98000)) }},
		{name: "date_of_birth", role: "direct", entity: "DATE_OF_BIRTH", val: func(int) string { return g.birth().Format("2006-01-02") }},
		{name: "gender", role: "quasi", entity: "GENDER", val: func(int) string { return g.pick([]string{"Male", "Female", "Female", "Male", "Non-binary"}) }},
		{name: "signup_date", role: "quasi", entity: "DATE", val: func(int) string { return g.recent(3).Format("2006-01-02") }},
		{name: "email_verified", role: "other", val: func(int) string { return strconv.FormatBool(g.r.IntN(3) > 0) }},
		{name: "lifetime_value", role: "other", val: func(int) string { return g.amount(0, 4000) }},
		{name: "segment", role: "other", val: func(int) string { return g.pick([]string{"Gold", "Silver", "Bronze", "Platinum"}) }},
		{name: "notes", role: "direct", entity: "FREE_TEXT", val: notes},
	})
}

func (g *gen) hrDE() (File, []Label) {
	return g.table("hr_de.csv", ';', []col{
		{name: "Personalnummer", role: "identifier", entity: "RECORD_ID", val: func(i int) string { return fmt.Sprintf("P-%05d", 20311+i) }},
		{name: "Vorname", role: "direct", entity: "PERSON_NAME", val: func(int) string { return g.pick(deFirst) }},
		{name: "Nachname", role: "direct", entity: "PERSON_NAME", val: func(int) string { return g.pick(deLast) }},
		{name: "Geburtsdatum", role: "direct", entity: "DATE_OF_BIRTH", val: func(int) string { return g.birth().Format("02.01.2006") }},
		{name: "Geschlecht", role: "quasi", entity: "GENDER", val: func(int) string { return g.pick([]string{"m", "w", "w", "m", "d"}) }},
		{name: "Straße", role: "direct", entity: "ADDRESS", val: func(int) string {
			return strings.ReplaceAll(g.pick(deStreets), "_", " ") + " " + strconv.Itoa(1+g.r.IntN(140))
		}},
		{name: "PLZ", role: "quasi", entity: "POSTAL_CODE", val: func(int) string { return fmt.Sprintf("%05d", 1067+g.r.IntN(98000)) }},
		{name: "Wohnort", role: "quasi", entity: "CITY", val: func(int) string { return g.pick(deCities) }},
		{name: "Telefonnummer", role: "direct", entity: "PHONE", val: func(int) string {
			return g.phone("DE", "+49 30 #######", "0151 ########", "+49 170 #######", "040 ########", "089/#######")
		}, nulls: 0.1},
		{name: "Steuer-ID", role: "direct", entity: "NATIONAL_ID", subtype: "DE_TAX_ID", val: func(int) string { return g.steuerID() }},
		{name: "IBAN", role: "direct", entity: "IBAN", val: func(int) string { return g.iban("DE", g.digits(18)) }},
		{name: "Bruttogehalt", role: "sensitive", entity: "INCOME", val: func(int) string { return strconv.Itoa(28000 + g.r.IntN(90000)) }},
		{name: "Konfession", role: "sensitive", entity: "RELIGION", val: func(int) string {
			return g.pick([]string{"ev", "rk", "konfessionslos", "konfessionslos", "muslimisch"})
		}},
		{name: "Familienstand", role: "quasi", entity: "MARITAL_STATUS", val: func(int) string { return g.pick([]string{"ledig", "verheiratet", "geschieden", "verwitwet"}) }},
		{name: "Abteilung", role: "other", val: func(int) string {
			return g.pick([]string{"Vertrieb", "IT", "Personal", "Buchhaltung", "Einkauf", "Logistik"})
		}},
		{name: "Eintrittsdatum", role: "quasi", entity: "DATE", val: func(int) string { return g.recent(20).Format("02.01.2006") }},
		{name: "Anzahl_Kinder", role: "other", val: func(int) string { return strconv.Itoa(g.r.IntN(4)) }},
	})
}

func (g *gen) patientsFR() (File, []Label) {
	type pat struct {
		male bool
		born string
		nir  string
	}
	ps := make([]pat, rows)
	for i := range ps {
		b := g.birth()
		male := g.r.IntN(2) == 0
		ps[i] = pat{male, b.Format("02/01/2006"), g.nir(male, b)}
	}
	return g.table("patients_fr.csv", ';', []col{
		{name: "num_patient", role: "identifier", entity: "RECORD_ID", val: func(i int) string { return fmt.Sprintf("PAT%06d", 4100+i*3) }},
		{name: "nom", role: "direct", entity: "PERSON_NAME", val: func(int) string { return strings.ReplaceAll(g.pick(frLast), "_", " ") }},
		{name: "prénom", role: "direct", entity: "PERSON_NAME", val: func(int) string { return g.pick(frFirst) }},
		{name: "date_de_naissance", role: "direct", entity: "DATE_OF_BIRTH", val: func(i int) string { return ps[i].born }},
		{name: "sexe", role: "quasi", entity: "GENDER", val: func(i int) string {
			if ps[i].male {
				return "H"
			}
			return "F"
		}},
		{name: "numéro_sécurité_sociale", role: "direct", entity: "NATIONAL_ID", subtype: "FR_NIR", val: func(i int) string { return ps[i].nir }},
		{name: "téléphone", role: "direct", entity: "PHONE", val: func(int) string {
			return g.phone("FR", "06 ## ## ## ##", "07 ## ## ## ##", "+33 6 ## ## ## ##", "01 ## ## ## ##")
		}},
		{name: "code_postal", role: "quasi", entity: "POSTAL_CODE", val: func(int) string { return fmt.Sprintf("%05d", 1000+g.r.IntN(94000)) }},
		{name: "ville", role: "quasi", entity: "CITY", val: func(int) string { return g.pick(frCities) }},
		{name: "diagnostic", role: "sensitive", entity: "HEALTH", val: func(int) string { return g.pick(icd10) }},
		{name: "médecin_traitant", role: "direct", entity: "PERSON_NAME", val: func(int) string { return "Dr " + g.pick(frFirst) + " " + strings.ReplaceAll(g.pick(frLast), "_", " ") }},
		{name: "date_admission", role: "quasi", entity: "DATE", val: func(int) string { return g.recent(2).Format("02/01/2006") }},
		{name: "mutuelle", role: "other", val: func(int) string {
			return g.pick([]string{"MGEN", "Harmonie Mutuelle", "AG2R", "Malakoff Humanis", "Aucune"})
		}},
		{name: "chambre", role: "other", val: func(int) string { return strconv.Itoa(100 + g.r.IntN(300)) }},
	})
}

func (g *gen) weblogNL() (File, []Label) {
	users := make([]string, 40)
	for i := range users {
		u := g.f.Username()
		for strings.ContainsAny(u, " '") {
			u = g.f.Username()
		}
		users[i] = strings.ToLower(u)
	}
	macs := make([]string, 50)
	for i := range macs {
		macs[i] = g.f.MacAddress()
	}
	epoch := int64(1767225600)
	pages := []string{"/", "/producten", "/producten/fietsen", "/winkelwagen", "/afrekenen", "/contact", "/over-ons", "/blog/zomer-sale"}
	return g.table("weblog_nl.csv", ',', []col{
		{name: "tijdstip", role: "other", val: func(int) string { epoch += int64(1 + g.r.IntN(90)); return strconv.FormatInt(epoch, 10) }},
		{name: "client_ip", role: "direct", entity: "IP_ADDRESS", val: func(int) string { return g.ipv4() }},
		{name: "gebruikersnaam", role: "direct", entity: "USERNAME", val: func(int) string { return g.pick(users) }, nulls: 0.3},
		{name: "mac_adres", role: "direct", entity: "MAC_ADDRESS", val: func(int) string { return g.pick(macs) }},
		{name: "sessie_id", role: "identifier", entity: "UUID", val: func(int) string { return g.uuid() }},
		{name: "url", role: "other", val: func(int) string { return "https://www.fietsenwinkel.nl" + g.pick(pages) }},
		{name: "http_status", role: "other", val: func(int) string { return g.pick([]string{"200", "200", "200", "304", "404", "500"}) }},
		{name: "bytes", role: "other", val: func(int) string { return strconv.Itoa(200 + g.r.IntN(90000)) }},
		{name: "user_agent", role: "other", val: func(int) string { return g.f.UserAgent() }},
		{name: "app_versie", role: "other", val: func(int) string { return g.version() }},
		{name: "page", role: "other", val: func(int) string { return strconv.Itoa(1 + g.r.IntN(40)) }},
		{name: "usage_mb", role: "other", val: func(int) string { return g.amount(0, 80) }},
	})
}

func (g *gen) ordersES() (File, []Label) {
	type cli struct{ name, first, last string }
	cs := make([]cli, rows)
	for i := range cs {
		f, l := g.pick(esFirst), g.pick(esLast)
		cs[i] = cli{f + " " + l + " " + g.pick(esLast), f, l}
	}
	return g.table("orders_es.csv", ',', []col{
		{name: "id_pedido", role: "other", val: func(i int) string { return fmt.Sprintf("PED-2026-%06d", 31877+i) }},
		{name: "numero_seguimiento", role: "other", val: func(int) string { return g.notLuhn(16) }},
		{name: "importe", role: "other", val: func(int) string { return g.amount(5, 900) }},
		{name: "codigo_producto", role: "other", val: func(int) string {
			return fmt.Sprintf("SKU-%04d-%s", g.r.IntN(60), g.pick([]string{"S", "M", "L", "XL"}))
		}},
		{name: "cliente", role: "direct", entity: "PERSON_NAME", val: func(i int) string { return cs[i].name }},
		{name: "correo", role: "direct", entity: "EMAIL", val: func(i int) string {
			return g.email(cs[i].first, cs[i].last, []string{"gmail.com", "hotmail.es", "yahoo.es", "telefonica.net", "outlook.es"})
		}},
		{name: "telefono", role: "direct", entity: "PHONE", val: func(int) string {
			return g.phone("ES", "6## ### ###", "+34 6## ### ###", "91 ### ## ##", "7## ## ## ##")
		}},
		{name: "dni", role: "direct", entity: "NATIONAL_ID", subtype: "ES_DNI", val: func(int) string { return g.dni() }},
		{name: "tarjeta", role: "direct", entity: "CREDIT_CARD", val: func(int) string {
			switch g.r.IntN(3) {
			case 0:
				return g.card("4", 16, " ")
			case 1:
				return g.card(strconv.Itoa(51+g.r.IntN(5)), 16, " ")
			}
			return g.card(g.pick([]string{"34", "37"}), 15, " ")
		}},
		{name: "direccion", role: "direct", entity: "ADDRESS", val: func(int) string {
			return fmt.Sprintf("%s %d, %dº %s", g.pick(esStreets), 1+g.r.IntN(120), 1+g.r.IntN(8), g.pick([]string{"A", "B", "C", "izq", "dcha"}))
		}},
		{name: "codigo_postal", role: "quasi", entity: "POSTAL_CODE", val: func(int) string { return fmt.Sprintf("%02d%03d", 1+g.r.IntN(52), g.r.IntN(1000)) }},
		{name: "ciudad", role: "quasi", entity: "CITY", val: func(int) string { return g.pick(esCities) }},
		{name: "fecha_pedido", role: "quasi", entity: "DATE", val: func(int) string { return g.recent(1).Format("2006-01-02") }},
		{name: "iban", role: "direct", entity: "IBAN", val: func(int) string { return g.iban("ES", g.digits(20)) }},
		{name: "cantidad", role: "other", val: func(int) string { return strconv.Itoa(1 + g.r.IntN(6)) }},
	})
}

func (g *gen) membersUKBE() (File, []Label) {
	type mem struct {
		name string
		born string
		rrn  string
	}
	ms := make([]mem, rows)
	for i := range ms {
		b := g.birth()
		male := g.r.IntN(2) == 0
		var name string
		if i%2 == 0 {
			name = g.pick(enFirst) + " " + g.pick(enLast)
		} else {
			name = g.pick(nlFirst) + " " + g.pick(nlTussen) + g.pick(nlLast)
			if strings.HasPrefix(name[strings.IndexByte(name, ' ')+1:], "v") || strings.HasPrefix(name[strings.IndexByte(name, ' ')+1:], "d") || strings.HasPrefix(name[strings.IndexByte(name, ' ')+1:], "t") {
				// Flemish spelling capitalises the particle: Van, De, Ter.
				sp := strings.IndexByte(name, ' ')
				name = name[:sp+1] + strings.ToUpper(name[sp+1:sp+2]) + name[sp+2:]
			}
		}
		ms[i] = mem{name, b.Format("2006-01-02"), g.rrn(b, male)}
	}
	return g.table("members_uk_be.csv", ',', []col{
		{name: "MemberID", role: "identifier", entity: "RECORD_ID", val: func(i int) string { return fmt.Sprintf("M%07d", 880000+i*13) }},
		{name: "FullName", role: "direct", entity: "PERSON_NAME", val: func(i int) string { return ms[i].name }},
		{name: "NationalInsuranceNumber", role: "direct", entity: "NATIONAL_ID", subtype: "UK_NINO", val: func(int) string { return g.nino() }, nulls: 0.5},
		{name: "Rijksregisternummer", role: "direct", entity: "NATIONAL_ID", subtype: "BE_RRN", val: func(i int) string { return ms[i].rrn }},
		{name: "Postcode", role: "quasi", entity: "POSTAL_CODE", val: func(int) string {
			return fmt.Sprintf("%s%d %d%c%c", g.pick([]string{"SW", "N", "E", "M", "B", "LS", "G", "BS", "CF"}), 1+g.r.IntN(20),
				g.r.IntN(10), "ABDEFGHJLNPQRSTUWXYZ"[g.r.IntN(20)], "ABDEFGHJLNPQRSTUWXYZ"[g.r.IntN(20)])
		}},
		{name: "Town", role: "quasi", entity: "CITY", val: func(int) string { return g.pick(ukCities) }},
		{name: "Mobile", role: "direct", entity: "PHONE", val: func(int) string { return g.phone("GB", "+44 7### ######", "07### ######", "+32 4## ## ## ##") }},
		{name: "Religion", role: "sensitive", entity: "RELIGION", val: func(int) string {
			return g.pick([]string{"Christian", "None", "Muslim", "Hindu", "Jewish", "Sikh", "Buddhist", "Catholic"})
		}},
		{name: "Ethnicity", role: "sensitive", entity: "ETHNICITY", val: func(int) string {
			return g.pick([]string{"White British", "White Other", "Asian", "Black African", "Mixed", "Indian", "Pakistani"})
		}},
		{name: "SexualOrientation", role: "sensitive", entity: "SEXUAL_ORIENTATION", val: func(int) string {
			return g.pick([]string{"Heterosexual", "Gay or Lesbian", "Bisexual", "Prefer not to say"})
		}, nulls: 0.2},
		{name: "PoliticalParty", role: "sensitive", entity: "POLITICAL_OPINION", val: func(int) string {
			return g.pick([]string{"Labour", "Conservative", "Liberal Democrats", "Green", "SNP", "None"})
		}},
		{name: "Homepage", role: "direct", entity: "URL", val: func(i int) string {
			return "https://www." + strings.ToLower(strings.ReplaceAll(ms[i].name, " ", "")) + ".co.uk/"
		}, nulls: 0.6},
		{name: "PasswordHash", role: "sensitive", entity: "CREDENTIAL", val: func(int) string {
			return "$2b$12$" + g.f.LetterN(53)
		}},
		{name: "PassengerCount", role: "other", val: func(int) string { return strconv.Itoa(1 + g.r.IntN(5)) }},
		{name: "AverageAge", role: "other", val: func(int) string { return g.amount(20, 70) }},
		{name: "JoinedOn", role: "quasi", entity: "DATE", val: func(int) string { return g.recent(10).Format("2006-01-02") }},
	})
}

func (g *gen) products() (File, []Label) {
	reps := make([]string, 12)
	for i := range reps {
		reps[i] = g.pick(enFirst) + " " + g.pick(enLast)
	}
	ean := func(int) string {
		p := g.pick([]string{"400", "401", "402", "871", "872", "841", "300", "500"}) + g.digits(9)
		sum := 0
		for i := 0; i < 12; i++ {
			d := int(p[i] - '0')
			if i%2 == 1 {
				d *= 3
			}
			sum += d
		}
		return p + strconv.Itoa((10-sum%10)%10)
	}
	return g.table("products.csv", ',', []col{
		{name: "product_id", role: "other", val: func(i int) string { return strconv.Itoa(5000 + i) }},
		{name: "product_name", role: "other", val: func(int) string { return g.f.ProductName() }},
		{name: "company_name", role: "other", val: func(int) string { return g.f.Company() }},
		{name: "brand", role: "other", val: func(int) string {
			return g.pick([]string{"Jordan", "Florence & Co", "Victoria", "Austin Works", "Paris Line", "Charlotte"})
		}},
		{name: "ean", role: "other", val: ean},
		{name: "tracking_number", role: "other", val: func(int) string { return g.notLuhn(16) }},
		{name: "price", role: "other", val: func(int) string { return g.amount(1, 2500) }},
		{name: "version", role: "other", val: func(int) string { return g.version() }},
		{name: "release_date", role: "other", val: func(int) string { return g.recent(4).Format("2006-01-02") }},
		{name: "email_verified", role: "other", val: func(int) string { return g.pick([]string{"yes", "no"}) }},
		{name: "phone_count", role: "other", val: func(int) string { return strconv.Itoa(g.r.IntN(3)) }},
		{name: "order_number", role: "other", val: func(int) string { return g.digits(9) }},
		{name: "created_epoch", role: "other", val: func(int) string { return strconv.Itoa(1700000000 + g.r.IntN(60000000)) }},
		{name: "sales_rep", role: "direct", entity: "PERSON_NAME", val: func(int) string { return g.pick(reps) }},
		{name: "support_url", role: "other", val: func(int) string { return g.f.URL() }},
	})
}

// exportNL is the headerless-looking table: its header says nothing.
func (g *gen) exportNL() (File, []Label) {
	cols := []col{
		{role: "direct", entity: "NATIONAL_ID", subtype: "NL_BSN", val: func(int) string { return g.bsn() }},
		{role: "direct", entity: "EMAIL", val: func(int) string {
			return g.email(g.pick(nlFirst), g.pick(nlLast), []string{"kpnmail.nl", "ziggo.nl", "gmail.com", "hotmail.nl", "xs4all.nl"})
		}},
		{role: "direct", entity: "IBAN", val: func(int) string {
			return g.iban("NL", g.pick([]string{"ABNA", "INGB", "RABO", "SNSB", "TRIO"})+g.digits(10))
		}},
		{role: "direct", entity: "PHONE", val: func(int) string { return g.phone("NL", "06-########", "+31 6 ########", "020-#######", "010 ### ####") }},
		{role: "direct", entity: "PERSON_NAME", val: func(int) string { return g.pick(nlFirst) + " " + g.pick(nlTussen) + g.pick(nlLast) }},
		{role: "quasi", entity: "POSTAL_CODE", val: func(int) string {
			return fmt.Sprintf("%d %c%c", 1000+g.r.IntN(8999), 'A'+rune(g.r.IntN(26)), 'A'+rune(g.r.IntN(26)))
		}},
		{role: "other", val: func(int) string { return g.amount(10, 5000) }},
		{role: "other", val: func(int) string { return g.version() }},
		{role: "other", val: func(int) string { return strconv.Itoa(1750000000 + g.r.IntN(9000000)) }},
		{role: "identifier", entity: "UUID", val: func(int) string { return g.uuid() }},
		{role: "direct", entity: "DATE_OF_BIRTH", val: func(int) string { return g.birth().Format("02-01-2006") }},
		{role: "other", val: func(int) string { return g.pick([]string{"A", "B", "C", "D"}) }},
		{role: "direct", entity: "IP_ADDRESS", val: func(int) string { return g.ipv4() }},
		{role: "other", val: func(int) string { return g.notLuhn(16) }},
		{role: "direct", entity: "CREDIT_CARD", val: func(int) string { return g.card("4", 16, "") }},
		{role: "other", val: func(int) string {
			return g.pick([]string{"Amsterdam", "Rotterdam", "Jordaan", "Florence", "Victoria"}) + " BV"
		}},
	}
	for i := range cols {
		cols[i].name = fmt.Sprintf("col_%d", i+1)
	}
	return g.table("export_nl.csv", ',', cols)
}
