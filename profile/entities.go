package profile

import (
	"math"
	"net/mail"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/net/publicsuffix"
)

// Roles of a column. They are the values of policies.Role.
const (
	RoleDirect     = "direct"
	RoleIdentifier = "identifier"
	RoleQuasi      = "quasi"
	RoleSensitive  = "sensitive"
	RoleOther      = "other"
)

// Sensitivity tiers (DLP-style), separate from the role.
const (
	SensitivityHigh     = "high"
	SensitivityModerate = "moderate"
	SensitivityLow      = "low"
	SensitivityNone     = "none"
)

// checkCtx is what a per-value check may use besides the value.
type checkCtx struct {
	hinted  bool     // the column name matched one of the entity's hints
	regions []string // default phone regions
	layout  string   // the column's most frequent date layout, "" if none
}

// checkFunc classifies one value: shape tells whether it has the entity's
// form, valid whether it passes the validator (or, for soft entities,
// belongs to the entity's vocabulary). sub names a subtype or region.
type checkFunc func(v string, cx *checkCtx) (shape, valid bool, sub string)

// entityDef describes how one entity is detected.
type entityDef struct {
	entity  string
	subtype string
	role    string
	hints   []hint
	neg     map[string]bool
	check   checkFunc
	// prior is k_D, the weight of value evidence for entities without a
	// checksum (0 for checksum entities, whose weight is the coverage).
	prior float64
	// chance is the probability that a value of the right shape passes
	// the checksum by chance (p0 of the LLR test); 0 without a checksum.
	chance    float64
	validator string
	// soft entities are name-driven: shape is a compatibility check that
	// gates the name, valid a vocabulary hit that adds value evidence.
	soft bool
	// minShare is the share of sampled values that must be valid (for
	// soft entities: compatible) for the entity to be more than LOW.
	minShare float64
	// column adjusts the value evidence with column-level facts (spread of
	// dates, share of version-like addresses...); it returns the factor
	// applied to s_v and a note for the evidence.
	column func(cs *colSample, valid []string, hinted bool) (factor float64, note string)
	// minShareBare replaces minShare when the column name gave no hint.
	minShareBare float64
	// subPrior replaces prior when most valid values have this subtype
	// (a Dutch or British postcode is distinctive, five digits are not).
	subPrior map[string]float64
	// coverage is the share of valid values a column of the entity
	// typically reaches (0 means 1): a name dictionary knows about 70 % of
	// the names of a real column, so coverage is read relative to it.
	coverage float64
	rank     int // specificity for ties: checksum > parser > regex > name
	// expensive checks (libphonenumber) stop early on columns where
	// none of the first values of the shape is valid.
	expensive   bool
	sensitivity string
}

// Negative tokens: a column whose name holds one of them outside the
// matched hint is about the entity, not the entity itself.
var (
	negDirect = tokenSet(`is has flag verified valid validated count cnt num_of number_of total sum avg average amount
		hash hashed md5 sha sha1 sha256 token_type format len length template file table column display type status
		opt_in optin consent domain code bounce bounced invalid confirmed`)
	negSoft = tokenSet(`is has flag verified count cnt num_of number_of total avg average hash hashed md5 sha format len
		length template file table column display`)
	negPerson = tokenSet(`company firma societe empresa bedrijf product produkt produit producto brand marke file
		host server city ort ville ciudad stad street strasse rue calle straat country land pays pais user
		username account bank domain app project team department abteilung store shop hotel school`)
	// negMeasure names numbers that are not keys even when they are
	// long and unique: times and measures.
	negMeasure = tokenSet(`time timestamp ts epoch unix date created updated modified at ms millis seconds seen login
		logged visit visited expires expiry amount
		price total sum count qty quantity value score balance revenue income salary cents cost size bytes duration
		weight height lat lon latitude longitude
		tijdstip tijd zeit zeitpunkt zeitstempel datum horodatage heure temps fecha hora tiempo ora
		betrag bedrag montant importe preis prijs prix precio menge aantal cantidad quantite gewicht poids peso`)
	negID = tokenSet(`order bestellung commande pedido bestelling tracking sendung suivi seguimiento invoice rechnung
		facture factura factuur product produkt produit producto sku article artikel transaction shipment
		parcel paket colis paquete pakket version build ean gtin upc barcode isbn`)
)

// negIDHeads are the heads of German and Dutch compounds that name a
// business document's number as one word (bestellnr, artikelnummer,
// rechnungsnummer, factuurnummer): a token that starts with one of them
// and goes on is negative like the words of negID. Whole tokens cannot
// catch these, and a general prefix rule would catch too much
// (displayname is a person's name).
var negIDHeads = []string{"bestell", "auftrag", "rechnung", "artikel", "sendung", "liefer", "bestel", "factuur",
	"order", "zending", "pakket", "paket", "produkt", "product"}

// negIDTails are the endings that make such a compound a number
// (bestellnr, rechnungsnummer, productcode): without one, the compound
// names something else of the order (lieferadresse, lieferhinweis,
// rechnungsempfaenger, auftraggeber), which may well be personal.
var negIDTails = []string{"nr", "nummer", "number", "num", "no", "id", "code"}

// negIDCompound returns the first token that is such a compound, or "".
func negIDCompound(tokens []string) string {
	for _, t := range tokens {
		for _, h := range negIDHeads {
			if len(t) > len(h) && strings.HasPrefix(t, h) && slices.ContainsFunc(negIDTails, func(tail string) bool {
				return len(t) >= len(h)+len(tail) && strings.HasSuffix(t, tail)
			}) {
				return t
			}
		}
	}
	return ""
}

// keyTokens name a key or a number; placeholderTokens, with digits, make
// up the headers of a table exported without names (col1, Column 3,
// Unnamed: 0, field_7).
var (
	keyTokens         = tokenSet(`id key nr no num number nummer numero nro`)
	placeholderTokens = tokenSet(`col column field var unnamed c f v`)
)

// keyOrBlankName reports whether a column's name is a placeholder or has
// a token naming a key: the names under which a column of rising numbers
// is taken for an auto-increment key (see numericKey). A column named
// anything else (year, population, a sorted amount) rises because the
// table is sorted by it or by time.
func keyOrBlankName(tokens []string) bool {
	for _, t := range tokens {
		if keyTokens[t] {
			return true
		}
		if !placeholderTokens[t] && strings.Trim(t, "0123456789") != "" {
			return false
		}
	}
	return true
}

func tokenSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(s) {
		m[f] = true
	}
	return m
}

func union(sets ...map[string]bool) map[string]bool {
	m := map[string]bool{}
	for _, s := range sets {
		for k := range s {
			m[k] = true
		}
	}
	return m
}

var (
	reUUID     = lazyRE(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	reMAC      = lazyRE(`^(?:[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})$`)
	reICD10    = lazyRE(`^[A-TV-Z][0-9][0-9AB](?:\.[0-9A-KXZ]{1,4})?$`)
	reUKPost   = lazyRE(`^(?i)(GIR ?0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y]) ?[0-9][ABD-HJLNP-UW-Z]{2})$`)
	reNLPost   = lazyRE(`^[1-9][0-9]{3} ?(?i:[A-Z]{2})$`)
	reZIP      = lazyRE(`^[0-9]{5}(?:-[0-9]{4})?$`)
	reZIPPlus4 = lazyRE(`^[0-9]{5}-[0-9]{4}$`)
	reZIP4     = lazyRE(`^[1-9][0-9]{3}$`)
	reFRCors   = lazyRE(`^2[AB][0-9]{3}$`)
	reUser     = lazyRE(`^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$`)
	reSecret   = lazyRE(`^(?:\$2[aby]?\$[0-9]{2}\$.{53}|\$argon2.*|[0-9a-fA-F]{32,}|[A-Za-z0-9+/_=-]{20,})$`)
)

// entities is the detection table, built on first use (its hints are
// normalized when it is built). Hints are written as tokens joined by _
// (see NormalizeName); each language's hints follow the English ones.
var entities = sync.OnceValue(func() []*entityDef {
	return []*entityDef{
		{
			entity: "EMAIL", role: RoleDirect, prior: 0.8, validator: "net/mail+public-suffix", minShare: 0.5, rank: 3,
			sensitivity: SensitivityModerate, neg: negDirect, check: checkEmail,
			hints: parseHints(`email e_mail mail email_address emailaddress mail_address contact_email
				emailadresse mailadresse e_mail_adresse courriel mel adresse_email adresse_mail adresse_electronique
				correo correo_electronico email_cliente emailadres mailadres e_mailadres`, 1),
		},
		{
			entity: "PHONE", role: RoleDirect, prior: 0.75, validator: "libphonenumber IsValidNumber", minShare: 0.5, rank: 3, expensive: true,
			sensitivity: SensitivityModerate, neg: negDirect, check: checkPhone,
			hints: parseHints(`phone phone_number phonenumber telephone telephone_number tel mobile mobile_phone
				mobile_number cell cellphone cell_phone fax contact_number telefon telefonnummer tel_nr telnr handy
				handynummer mobilnummer mobiltelefon rufnummer festnetz telephone portable num_tel numero_telephone
				numero_de_telephone tel_portable telefono movil celular tlf numero_telefono telefono_movil telefoon
				telefoonnummer mobiel mobiel_nummer mobiele_nummer gsm gsm_nummer`, 1),
		},
		{
			entity: "CREDIT_CARD", role: RoleDirect, chance: 0.10, validator: "luhn+iin", minShare: 0.5, rank: 5,
			sensitivity: SensitivityHigh, neg: negDirect, check: checkCard,
			hints: parseHints(`credit_card creditcard card_number cardnumber cc_num cc_number pan card kreditkarte
				kreditkartennummer kartennummer carte_bancaire numero_carte numero_de_carte cb carte tarjeta
				numero_tarjeta tarjeta_credito numero_de_tarjeta kaartnummer creditcardnummer`, 1),
		},
		{
			entity: "IBAN", role: RoleDirect, chance: 0.0103, validator: "iban-mod97", minShare: 0.5, rank: 5,
			sensitivity: SensitivityHigh, neg: negDirect, check: checkIBAN,
			hints: parseHints(`iban bank_account account_number bank_account_number kontonummer bankverbindung
				konto rib numero_compte numero_de_compte compte_bancaire cuenta numero_cuenta cuenta_bancaria ccc
				rekeningnummer bankrekening rekening`, 1),
		},
		nationalID("US_SSN", "ssn-area-group-serial", 0, 0.7, checkSSN),
		nationalID("NL_BSN", "bsn-11-check", 0.09, 0, checkBSN),
		nationalID("FR_NIR", "nir-key-mod97", 0.0103, 0, checkNIR),
		nationalID("UK_NINO", "nino-prefix-rules", 0, 0.8, checkNINO),
		nationalID("DE_TAX_ID", "iso7064-mod11-10", 0.10, 0, checkSteuerID),
		nationalID("ES_DNI", "dni-mod23-letter", 0.043, 0, checkDNI),
		nationalID("BE_RRN", "rrn-mod97", 0.0206, 0, checkRRN),
		{
			entity: "IP_ADDRESS", role: RoleDirect, prior: 0.85, validator: "net/netip", minShare: 0.5, rank: 3,
			sensitivity: SensitivityModerate, neg: negDirect, check: checkIP, column: ipColumn,
			hints: parseHints(`ip ip_address ipaddress ip_addr client_ip remote_addr remote_ip src_ip source_ip
				dst_ip user_ip ipv4 ipv6 ip_adresse adresse_ip direccion_ip ip_adres`, 1),
		},
		{
			entity: "MAC_ADDRESS", role: RoleDirect, prior: 0.85, validator: "mac-regex", minShare: 0.5, rank: 3,
			sensitivity: SensitivityModerate, neg: negDirect, check: checkMAC,
			hints: parseHints(`mac mac_address macaddress mac_addr hw_address device_mac mac_adresse adresse_mac
				direccion_mac mac_adres`, 1),
		},
		{
			entity: "URL", role: RoleDirect, prior: 0.75, validator: "net/url", minShare: 0.5, rank: 2,
			sensitivity: SensitivityModerate, neg: negDirect, check: checkURL, column: urlColumn,
			hints: append(parseHints(`homepage website web_site personal_website profile_url social_profile linkedin
				twitter facebook instagram webseite homepage_url site_web site_personnel sitio_web pagina_web
				pagina_personal persoonlijke_website`, 1), parseHints(`url link uri href`, 0.6)...),
		},
		{
			entity: "PERSON_NAME", role: RoleDirect, prior: 0.85, validator: "name-dictionary", minShare: 0.3, minShareBare: 0.6, rank: 2,
			coverage: 0.7, column: nameColumn,
			sensitivity: SensitivityModerate, neg: union(negDirect, negPerson), check: checkPersonName,
			hints: append(parseHints(`name full_name fullname first_name firstname given_name givenname last_name
				lastname surname family_name familyname middle_name maiden_name customer_name client_name
				contact_name contact_person patient_name employee_name person cardholder account_holder holder
				vorname nachname familienname geburtsname name_kunde kundenname prenom nom nom_de_famille
				nom_complet nom_prenom nombre apellido apellidos nombre_completo primer_apellido segundo_apellido
				titular voornaam achternaam naam tussenvoegsel roepnaam volledige_naam`, 1),
				parseHints(`doctor physician medecin arzt aerztin medico arts contact cliente kunde klant client
				customer patient patiente paciente employee mitarbeiter empleado werknemer`, 0.6)...),
		},
		{
			entity: "ADDRESS", role: RoleDirect, prior: 0.75, validator: "house-number+street-type", minShare: 0.5, rank: 2,
			sensitivity: SensitivityModerate, neg: union(negDirect, tokenSet("email mail ip mac web url")), check: checkAddress,
			hints: parseHints(`address addr street street_address address_line address_line1 address_line_1
				address1 home_address house_number adresse anschrift strasse strasse_hausnummer hausnummer
				wohnadresse adresse_postale rue voie direccion domicilio calle direccion_postal adres straat
				huisnummer straatnaam woonadres`, 1),
		},
		{
			entity: "DATE_OF_BIRTH", role: RoleDirect, prior: 0.7, validator: "date+age-spread", minShare: 0.5, rank: 3,
			sensitivity: SensitivityModerate, neg: union(negDirect, tokenSet("year month")), check: checkDate, column: dobColumn,
			hints: parseHints(`dob birth_date birthdate date_of_birth birthday born date_birth geburtsdatum geb_datum
				gebdatum geboren geburtstag date_de_naissance date_naissance ddn naissance fecha_de_nacimiento
				fecha_nacimiento nacimiento geboortedatum geboren_op`, 1),
		},
		{
			entity: "USERNAME", role: RoleDirect, prior: 0.2, validator: "login-shape", minShare: 0.5, rank: 1,
			sensitivity: SensitivityModerate, neg: negDirect, check: checkUsername,
			hints: parseHints(`username user_name login user_login login_name screen_name screenname handle
				nickname user_handle benutzername benutzer anmeldename identifiant pseudo nom_utilisateur
				login_utilisateur usuario nombre_usuario nombre_de_usuario alias gebruikersnaam gebruiker inlognaam`, 1),
		},
		{
			entity: "UUID", role: RoleIdentifier, prior: 0.9, validator: "rfc4122-shape", minShare: 0.8, rank: 2,
			sensitivity: SensitivityLow, neg: union(negDirect, negID), check: checkUUID,
		},
		// Quasi-identifiers.
		{
			entity: "POSTAL_CODE", role: RoleQuasi, prior: 0.3, validator: "postal-code-shape", minShare: 0.6, rank: 2,
			subPrior:    map[string]float64{"NL": 0.75, "GB": 0.75, "FR": 0.6, "US": 0.6},
			sensitivity: SensitivityLow, neg: negSoft, check: checkPostal,
			hints: parseHints(`zip zipcode zip_code postal_code postcode post_code postalcode postal plz postleitzahl
				code_postal cp codigo_postal cod_postal postcode_klant`, 1),
		},
		{
			entity: "AGE", role: RoleQuasi, prior: 0.45, validator: "integer-0-120", minShare: 0.8, rank: 2,
			sensitivity: SensitivityLow, neg: negSoft, check: checkAge, column: ageColumn,
			hints: parseHints(`age age_years alter lebensalter age_ans edad leeftijd`, 1),
		},
		{
			entity: "BIRTH_YEAR", role: RoleQuasi, prior: 0.4, validator: "year-1900-now", minShare: 0.8, rank: 2,
			sensitivity: SensitivityLow, neg: negSoft, check: checkYear,
			hints: parseHints(`birth_year year_of_birth yob birthyear geburtsjahr jahrgang annee_naissance
				annee_de_naissance ano_nacimiento anio_nacimiento ano_de_nacimiento geboortejaar`, 1),
		},
		{
			entity: "GENDER", role: RoleQuasi, prior: 0.9, validator: "gender-vocabulary", minShare: 0.8, rank: 3,
			sensitivity: SensitivityLow, neg: negSoft, check: vocabCheck(genderVocab), column: genderColumn,
			hints: parseHints(`gender sex geschlecht anrede sexe genre civilite sexo genero geslacht aanhef`, 1),
		},
		softEntity("CITY", RoleQuasi, 0, nil, `city town place_of_residence residence ort stadt wohnort
			ville commune localite ciudad municipio localidad poblacion plaats woonplaats gemeente stad`),
		softEntity("GEO", RoleQuasi, 0.55, countryVocab, `country state region province county area territory
			land bundesland kreis landkreis pays region departement province provincia comunidad pais
			comunidad_autonoma provincie`),
		{
			entity: "GEO", subtype: "COORDINATE", role: RoleQuasi, prior: 0.5, validator: "lat-lon-range", minShare: 0.8, rank: 2,
			sensitivity: SensitivityModerate, neg: negSoft, check: checkCoordinate,
			hints: parseHints(`latitude longitude lat lon lng long geo_lat geo_lon coordinates gps breitengrad
				laengengrad breite laenge latitud longitud breedtegraad lengtegraad`, 1),
		},
		softEntity("NATIONALITY", RoleQuasi, 0.5, countryVocab, `nationality citizenship native_country
			country_of_birth birth_country nation staatsangehoerigkeit staatsangehorigkeit nationalitaet
			geburtsland nationalite pays_de_naissance nacionalidad pais_de_nacimiento nationaliteit geboorteland`),
		softEntity("OCCUPATION", RoleQuasi, 0.6, occupationVocab, `occupation job job_title jobtitle profession
			position title role beruf taetigkeit berufsbezeichnung stelle profession metier poste emploi fonction
			profesion ocupacion puesto empleo cargo beroep functie functietitel`),
		softEntity("EMPLOYMENT", RoleQuasi, 0.6, employmentVocab, `workclass work_class employment employment_status
			employment_type employer contract_type beschaeftigung beschaeftigungsart arbeitgeber arbeitsverhaeltnis
			employeur type_de_contrat contrat empleador tipo_contrato situacion_laboral werkgever dienstverband
			contractvorm`),
		softEntity("MARITAL_STATUS", RoleQuasi, 0.6, maritalVocab, `marital_status marital civil_status
			relationship_status familienstand situation_familiale etat_civil situation_matrimoniale estado_civil
			burgerlijke_staat`),
		softEntity("EDUCATION", RoleQuasi, 0.6, educationVocab, `education degree schooling qualification
			education_level highest_degree bildung abschluss schulabschluss bildungsabschluss ausbildung education
			diplome niveau_etudes niveau_d_etudes educacion estudios nivel_estudios nivel_educativo titulacion
			opleiding opleidingsniveau`),
		{
			entity: "DATE", role: RoleQuasi, prior: 0.55, validator: "date-layout", minShare: 0.8, rank: 1,
			sensitivity: SensitivityLow, neg: negSoft, check: checkDate,
			hints: parseHints(`date datum fecha datetime timestamp created_at updated_at visit_date admission_date
				discharge_date hire_date start_date end_date eintrittsdatum aufnahmedatum date_admission
				date_entree fecha_alta fecha_pedido datum_opname`, 0.6),
		},
		// Sensitive attributes.
		{
			entity: "HEALTH", role: RoleSensitive, prior: 0.6, validator: "icd10-shape", soft: true, minShare: 0.5, rank: 2,
			sensitivity: SensitivityHigh, neg: negSoft, check: checkHealth,
			hints: parseHints(`diagnosis diagnoses icd icd10 icd_10 icd_code condition disease medication medications
				treatment illness health medical_condition allergy allergies symptoms diagnose krankheit befund
				medikament medikation behandlung erkrankung diagnostic maladie traitement medicament pathologie
				diagnostico enfermedad tratamiento medicamento patologia ziekte behandeling medicatie aandoening`, 1),
		},
		softEntity("RELIGION", RoleSensitive, 0.6, religionVocab, `religion faith denomination religious_affiliation
			konfession religionszugehoerigkeit religionszugehorigkeit kirchensteuer glaube religion confession culte
			religion confesion creencia religie geloof kerkgenootschap geloofsovertuiging`),
		softEntity("ETHNICITY", RoleSensitive, 0.6, ethnicityVocab, `race ethnicity ethnic_origin ethnic_group
			ethnie herkunft abstammung origine_ethnique ethnie etnia raza origen_etnico etniciteit afkomst herkomst`),
		{
			entity: "INCOME", role: RoleSensitive, prior: 0.3, validator: "amount", soft: true, minShare: 0.5, rank: 2,
			sensitivity: SensitivityModerate, neg: negSoft, check: checkAmount,
			hints: parseHints(`salary income wage wages pay compensation earnings salary_class annual_income
				gehalt lohn einkommen verdienst bruttogehalt jahresgehalt salaire revenu revenus remuneration
				salario sueldo ingresos salaris loon inkomen brutoloon jaarsalaris`, 1),
		},
		softEntity("SEXUAL_ORIENTATION", RoleSensitive, 0, nil, `sexual_orientation orientation sexuality
			sexuelle_orientierung orientation_sexuelle orientacion_sexual seksuele_orientatie geaardheid`),
		softEntity("POLITICAL_OPINION", RoleSensitive, 0, nil, `political_party party_affiliation politics
			political_opinion partei parteizugehoerigkeit parti_politique opinion_politique partido_politico
			afiliacion_politica politieke_partij politieke_voorkeur`),
		softEntity("TRADE_UNION", RoleSensitive, 0, nil, `union_member trade_union union_membership gewerkschaft
			gewerkschaftsmitglied syndicat syndique sindicato afiliacion_sindical vakbond vakbondslid`),
		softEntity("CRIMINAL_RECORD", RoleSensitive, 0, nil, `criminal_record conviction convictions offence offense
			vorstrafe vorstrafen strafregister fuehrungszeugnis casier_judiciaire condamnation antecedentes_penales
			strafblad veroordeling`),
		softEntity("BIOMETRIC", RoleSensitive, 0, nil, `fingerprint biometric biometrics face_template iris_scan
			fingerabdruck biometrie empreinte empreinte_digitale huella huella_dactilar vingerafdruk`),
		{
			entity: "CREDENTIAL", role: RoleSensitive, prior: 0.3, validator: "secret-shape", soft: true, minShare: 0.5, rank: 2,
			sensitivity: SensitivityHigh, neg: tokenSet("is has flag count cnt reset expires expiry changed updated length policy type"),
			check: checkSecret,
			hints: parseHints(`password passwd pwd pass_hash password_hash secret api_key apikey api_secret token
				access_token refresh_token auth_token private_key passwort kennwort mot_de_passe mdp contrasena
				clave wachtwoord`, 1),
		},
	}
})

// idHints name person keys and pseudonymous IDs (identifier role when the
// values are unique enough).
var idHints = sync.OnceValue(func() []hint {
	return parseHints(`id uuid guid key customer_id user_id userid client_id patient_id employee_id member_id
	person_id account_id subscriber_id contact_id kundennummer kunden_id kundennr kunden_nr personalnummer
	mitarbeiter_id mitarbeiternummer patientennummer patienten_id mitgliedsnummer num_patient id_patient
	numero_patient id_client numero_client num_client matricule id_cliente numero_cliente id_usuario id_paciente
	numero_empleado klantnummer klant_id patientnummer personeelsnummer lidnummer relatienummer
	sessie_id session_id device_id visitor_id cust_id cust_no cust_nr cust_num customer_no customer_nr
	customer_number client_no client_number member_no member_number membership_number patient_no patient_number
	employee_no employee_number emp_no staff_no user_no kd_nr kdnr`, 1)
})

func nationalID(sub, validator string, chance, prior float64, check checkFunc) *entityDef {
	return &entityDef{
		entity: "NATIONAL_ID", subtype: sub, role: RoleDirect, chance: chance, prior: prior, validator: validator,
		minShare: 0.5, rank: 4, sensitivity: SensitivityHigh, neg: negDirect, check: check,
		hints: parseHints(`national_id nationalid national_id_number id_number tax_id taxid tin ssn
			social_security social_security_number ss_number ssnumber nino national_insurance
			national_insurance_number ni_number insurance_number nhs_number steuer_id steuerid steuernummer
			steuer_identifikationsnummer steueridentifikationsnummer identifikationsnummer sozialversicherungsnummer
			sv_nummer svnr rvnr ausweisnummer personalausweisnummer nir insee numero_insee numero_securite_sociale
			num_secu numero_secu securite_sociale nss dni nif nie numero_dni documento_identidad bsn
			burgerservicenummer sofinummer rijksregisternummer rrn numero_national registre_national
			insz nationaal_nummer`, 1),
	}
}

// softEntity is a name-driven entity whose values are only checked for
// compatibility (text, not numbers) and, when voc is given, for vocabulary
// hits that add evidence.
func softEntity(entity, role string, prior float64, voc map[string]bool, hints string) *entityDef {
	sens := SensitivityLow
	if role == RoleSensitive {
		sens = SensitivityHigh
	}
	return &entityDef{
		entity: entity, role: role, prior: prior, soft: true, minShare: 0.5, rank: 1, sensitivity: sens,
		validator: strings.ToLower(entity) + "-vocabulary", neg: negSoft, hints: parseHints(hints, 1),
		check: func(v string, _ *checkCtx) (bool, bool, string) {
			if !hasLetter(v) {
				return false, false, ""
			}
			return true, voc != nil && voc[vocabKey(v)], ""
		},
		column: categoricalColumn,
	}
}

func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 {
			return true
		}
	}
	return false
}

func vocabCheck(voc map[string]bool) checkFunc {
	return func(v string, _ *checkCtx) (bool, bool, string) {
		ok := voc[vocabKey(v)]
		return ok, ok, ""
	}
}

// Per-value checks.

func checkEmail(v string, _ *checkCtx) (bool, bool, string) {
	at := strings.IndexByte(v, '@')
	if at <= 0 || strings.Count(v, "@") != 1 || strings.ContainsAny(v, " \t<>") {
		return false, false, ""
	}
	return true, validEmail(v), ""
}

// validEmail reports whether v is a bare address that net/mail accepts,
// with a local part of at most 64 bytes and a domain of at most 253 bytes
// that has a registrable name under an ICANN public suffix.
func validEmail(v string) bool {
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(v, '@')
	local, domain := v[:at], strings.ToLower(v[at+1:])
	if len(local) > 64 || len(domain) > 253 || !strings.Contains(domain, ".") {
		return false
	}
	return registrable(domain)
}

// registrable reports whether domain ends in an ICANN public suffix and has
// a label before it. Private suffixes (blogspot.com, github.io) are read
// as the ICANN suffix they sit under: their owner's name is that label.
func registrable(domain string) bool {
	domain = strings.TrimSuffix(domain, ".")
	suffix, icann := publicsuffix.PublicSuffix(domain)
	if !icann {
		// A private suffix lies under an ICANN one, so it has two labels
		// or more; one label and no ICANN rule is an unknown TLD.
		return strings.Contains(suffix, ".")
	}
	return len(domain) > len(suffix)+1 && domain[len(domain)-len(suffix)-1] == '.'
}

// phoneChars reports whether v holds only phone characters and returns its
// digit count and whether it has separators or an international prefix.
func phoneChars(v string) (digits int, sep, intl, ok bool) {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c == '/':
			sep = true
		case c == '+' && i == 0:
			intl = true
		default:
			return 0, false, false, false
		}
	}
	if strings.HasPrefix(v, "00") {
		intl = true
	}
	return digits, sep, intl, true
}

var (
	reDateLike    = lazyRE(`^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$`)
	reDecimal     = lazyRE(`^-?\d+[.,]\d{1,2}$`)
	reVersionLike = lazyRE(`^\d{1,3}(?:\.\d{1,4}){1,3}$`)
)

func checkPhone(v string, cx *checkCtx) (bool, bool, string) {
	digits, sep, intl, ok := phoneChars(v)
	if !ok || digits < 7 || digits > 15 {
		return false, false, ""
	}
	if !sep && !intl && !cx.hinted {
		return false, false, ""
	}
	if reDateLike.MatchString(v) || reDecimal.MatchString(v) || (reVersionLike.MatchString(v) && !intl && digits < 10) {
		return false, false, ""
	}
	if !cx.hinted && reZIPPlus4.MatchString(v) {
		// 5-4 digits is the shape of a US ZIP+4 code. A German number
		// with a five-digit area code can take it too, so under a phone
		// name hint it is still read as a phone.
		return false, false, ""
	}
	if intl {
		region := "DE" // only used to read a 00 prefix
		if num, err := phonenumbers.Parse(v, region); err == nil && phonenumbers.IsValidNumber(num) {
			return true, true, phonenumbers.GetRegionCodeForNumber(num)
		}
		return true, false, ""
	}
	for _, region := range cx.regions {
		num, err := phonenumbers.Parse(v, region)
		if err == nil && phonenumbers.IsValidNumberForRegion(num, region) {
			return true, true, region
		}
	}
	return true, false, ""
}

func checkCard(v string, _ *checkCtx) (bool, bool, string) {
	d, ok := digitsOnly(v, " -")
	if !ok || len(d) < 12 || len(d) > 19 || CardBrand(d) == "" {
		return false, false, ""
	}
	brand, valid := ValidCard(v)
	return true, valid, brand
}

func checkIBAN(v string, _ *checkCtx) (bool, bool, string) {
	if _, ok := ibanShape(v); !ok {
		return false, false, ""
	}
	country, ok := ValidIBAN(v)
	return true, ok, country
}

func checkSSN(v string, cx *checkCtx) (bool, bool, string) {
	_, delimited, ok := ssnShape(v)
	if !ok || (!delimited && !cx.hinted) {
		return false, false, ""
	}
	_, valid := ValidSSN(v)
	return true, valid, ""
}

func checkBSN(v string, _ *checkCtx) (bool, bool, string) {
	d, ok := digitsOnly(v, ". ")
	if !ok || (len(d) != 9 && len(d) != 8) {
		return false, false, ""
	}
	return true, ValidBSN(v), ""
}

func checkNIR(v string, _ *checkCtx) (bool, bool, string) {
	c := strings.ReplaceAll(v, " ", "")
	if len(c) != 15 || c[0] < '1' || c[0] > '8' {
		return false, false, ""
	}
	for i := 0; i < len(c); i++ {
		if !isDigit(c[i]) && !(i == 6 && (c[i] == 'A' || c[i] == 'B' || c[i] == 'a' || c[i] == 'b')) {
			return false, false, ""
		}
	}
	return true, ValidNIR(v), ""
}

func checkNINO(v string, _ *checkCtx) (bool, bool, string) {
	c, ok := compactIBAN(v)
	if !ok || len(c) != 9 || !isUpper(c[0]) || !isUpper(c[1]) || !isUpper(c[8]) {
		return false, false, ""
	}
	for i := 2; i < 8; i++ {
		if !isDigit(c[i]) {
			return false, false, ""
		}
	}
	return true, ValidNINO(v), ""
}

func checkSteuerID(v string, _ *checkCtx) (bool, bool, string) {
	d, ok := digitsOnly(v, " /")
	if !ok || len(d) != 11 {
		return false, false, ""
	}
	return true, ValidSteuerID(v), ""
}

func checkDNI(v string, _ *checkCtx) (bool, bool, string) {
	c, ok := compactIBAN(strings.ReplaceAll(v, "-", ""))
	if !ok || len(c) != 9 || !isUpper(c[8]) {
		return false, false, ""
	}
	start := 0
	if c[0] == 'X' || c[0] == 'Y' || c[0] == 'Z' {
		start = 1
	}
	for i := start; i < 8; i++ {
		if !isDigit(c[i]) {
			return false, false, ""
		}
	}
	sub, valid := ValidDNI(v)
	return true, valid, sub
}

func checkRRN(v string, _ *checkCtx) (bool, bool, string) {
	d, ok := digitsOnly(v, ".- ")
	if !ok || len(d) != 11 {
		return false, false, ""
	}
	return true, ValidRRN(v), ""
}

func checkIP(v string, _ *checkCtx) (bool, bool, string) {
	if !strings.ContainsAny(v, ".:") || len(v) < 7 {
		return false, false, ""
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return false, false, ""
	}
	kind := "public"
	switch {
	case a.IsPrivate():
		kind = "private"
	case a.IsLoopback():
		kind = "loopback"
	case a.IsLinkLocalUnicast():
		kind = "link-local"
	}
	return true, true, kind
}

// versionLikeIP reports whether an IPv4 text looks like a version number
// (first part below 10, next two small) rather than an address.
func versionLikeIP(v string) bool {
	a, err := netip.ParseAddr(v)
	if err != nil || !a.Is4() {
		return false
	}
	b := a.As4()
	return b[0] < 10 && b[1] < 64 && b[2] < 64
}

func checkMAC(v string, _ *checkCtx) (bool, bool, string) {
	ok := reMAC.MatchString(v)
	return ok, ok, ""
}

func checkURL(v string, _ *checkCtx) (bool, bool, string) {
	if !strings.Contains(v, "://") && !strings.HasPrefix(strings.ToLower(v), "www.") {
		return false, false, ""
	}
	if strings.ContainsAny(v, " \t") {
		return false, false, ""
	}
	s := v
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return true, false, ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "ftp":
	default:
		return true, false, ""
	}
	return true, strings.Contains(u.Hostname(), "."), ""
}

func checkUUID(v string, _ *checkCtx) (bool, bool, string) {
	ok := reUUID.MatchString(v)
	return ok, ok, ""
}

func checkPersonName(v string, _ *checkCtx) (bool, bool, string) {
	words, ok := personNameShape(v)
	if !ok {
		return false, false, ""
	}
	return true, nameHit(words), ""
}

func checkAddress(v string, _ *checkCtx) (bool, bool, string) {
	if !hasLetter(v) || len(v) < 5 || len(v) > 120 {
		return false, false, ""
	}
	hasDigit := strings.ContainsAny(v, "0123456789")
	words := strings.FieldsFunc(strings.ToLower(foldAccents(v)), func(r rune) bool {
		return r == ' ' || r == ',' || r == '.' || r == '/'
	})
	if len(words) < 2 {
		return false, false, ""
	}
	street := false
	for _, w := range words {
		if streetWords[w] {
			street = true
			break
		}
		for _, suf := range streetSuffixes {
			if len(w) > len(suf)+2 && strings.HasSuffix(w, suf) {
				street = true
				break
			}
		}
	}
	return hasDigit || street, hasDigit && street, ""
}

func checkUsername(v string, _ *checkCtx) (bool, bool, string) {
	if !reUser.MatchString(v) || !hasLetter(v) {
		return false, false, ""
	}
	return true, true, ""
}

func checkPostal(v string, cx *checkCtx) (bool, bool, string) {
	switch {
	case reNLPost.MatchString(v):
		return true, true, "NL"
	case reUKPost.MatchString(v) && strings.ContainsAny(v, "0123456789") && hasLetter(v):
		return true, true, "GB"
	case reFRCors.MatchString(v):
		return true, true, "FR"
	case reZIPPlus4.MatchString(v):
		// The +4 extension is a US postal code's own shape.
		return true, true, "US"
	case reZIP.MatchString(v):
		// Five digits fit any number: a leading zero (kept as text) is
		// the one sign the values carry by themselves.
		return true, cx.hinted || v[0] == '0', ""
	case reZIP4.MatchString(v):
		return true, cx.hinted, ""
	}
	return false, false, ""
}

func checkAge(v string, _ *checkCtx) (bool, bool, string) {
	n, ok := smallInt(v)
	return ok, ok && n >= 0 && n <= 120, ""
}

func checkYear(v string, _ *checkCtx) (bool, bool, string) {
	n, ok := smallInt(v)
	return ok, ok && n >= 1900 && n <= time.Now().Year(), ""
}

func smallInt(v string) (int, bool) {
	if v == "" || len(v) > 6 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(v); i++ {
		if !isDigit(v[i]) {
			return 0, false
		}
		n = n*10 + int(v[i]-'0')
	}
	return n, true
}

func checkCoordinate(v string, _ *checkCtx) (bool, bool, string) {
	f, ok := parseNumber(v)
	if !ok {
		return false, false, ""
	}
	dot := strings.IndexByte(v, '.')
	decimals := 0
	if dot >= 0 {
		decimals = len(v) - dot - 1
	}
	return true, f >= -180 && f <= 180 && decimals >= 3, ""
}

func checkHealth(v string, _ *checkCtx) (bool, bool, string) {
	if strings.TrimSpace(v) == "" {
		return false, false, ""
	}
	return true, reICD10.MatchString(strings.TrimSpace(v)), ""
}

func checkAmount(v string, _ *checkCtx) (bool, bool, string) {
	if !strings.ContainsAny(v, "0123456789") {
		return false, false, ""
	}
	_, num := parseNumber(strings.TrimSpace(strings.Trim(v, "$€£ ")))
	return true, num, ""
}

func checkSecret(v string, _ *checkCtx) (bool, bool, string) {
	if len(v) < 6 || strings.ContainsAny(v, " \t") {
		return false, false, ""
	}
	return true, reSecret.MatchString(v), ""
}

// checkDate parses v with the column's layout or another date layout (see
// bestDateLayout and parseDate).
func checkDate(v string, cx *checkCtx) (bool, bool, string) {
	if cx.layout == "" {
		return false, false, ""
	}
	_, ok := parseDate(v, cx.layout)
	return ok, ok, ""
}

// parseNumber parses a plain decimal number, accepting a comma as the
// decimal separator when there is no dot ("1234,56").
func parseNumber(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	if !strings.Contains(s, ".") && strings.Count(s, ",") == 1 {
		s = strings.Replace(s, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isDigit(c) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return 0, false
		}
	}
	return f, true
}
