package profile

import "strings"

// Vocabularies of low-cardinality categorical columns. Values are compared
// after vocabKey: accents folded, lower-cased, '-' '_' '.' and runs of
// spaces turned into one space. They cover the five languages of the name
// hints and the spellings of the UCI Adult data set.

func vocabKey(s string) string {
	s = strings.ToLower(foldAccents(strings.TrimSpace(s)))
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '-' || c == '_' || c == '.' || c == ' ' || c == '/' {
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteByte(c)
	}
	return strings.TrimSpace(b.String())
}

func vocab(lists ...string) map[string]bool {
	m := map[string]bool{}
	for _, l := range lists {
		for _, line := range strings.Split(l, ",") {
			if k := vocabKey(line); k != "" {
				m[k] = true
			}
		}
	}
	return m
}

// genderVocab holds sexes, genders and salutations (which imply a gender).
var genderVocab = vocab(`m,f,male,female,w,d,x,man,woman,men,women,other,unknown,diverse,divers,non binary,nonbinary,
männlich,weiblich,maennlich,herr,frau,mann,homme,femme,h,mme,monsieur,madame,mlle,mr,mrs,ms,miss,hombre,mujer,
masculino,femenino,varon,señor,señora,sr,sra,vrouw,v,dhr,mevr,mevrouw,meneer,man,unspecified,not specified,u,o,n`)

// maritalVocab holds marital statuses (Adult's spellings included).
var maritalVocab = vocab(`single,married,divorced,widowed,separated,never married,married civ spouse,married spouse absent,
married af spouse,domestic partnership,civil partnership,registered partnership,partner,cohabiting,ledig,verheiratet,
geschieden,verwitwet,getrennt,getrennt lebend,eingetragene lebenspartnerschaft,celibataire,marie,mariee,divorce,divorcee,veuf,veuve,
separe,pacse,pacsee,concubinage,union libre,soltero,soltera,casado,casada,divorciado,divorciada,viudo,viuda,separado,separada,
pareja de hecho,ongehuwd,gehuwd,gescheiden,weduwe,weduwnaar,samenwonend,geregistreerd partner,alleenstaand`)

// educationVocab holds education levels and degrees (Adult's spellings
// included).
var educationVocab = vocab(`bachelors,masters,doctorate,phd,hs grad,high school,some college,assoc acdm,assoc voc,prof school,
preschool,1st 4th,5th 6th,7th 8th,9th,10th,11th,12th,bachelor,master,associate,diploma,none,primary,secondary,tertiary,
hauptschule,realschule,abitur,fachabitur,mittlere reife,ausbildung,lehre,meister,diplom,promotion,hochschulabschluss,
brevet,cap,bep,bac,baccalaureat,licence,doctorat,bts,dut,sin diploma,primaria,secundaria,eso,bachillerato,formacion profesional,
grado,licenciatura,doctorado,basisonderwijs,vmbo,havo,vwo,mbo,hbo,wo,bachelor's degree,master's degree,high school diploma,
ged,elementary,middle school,graduate,postgraduate,undergraduate`)

// religionVocab holds the religions and denominations of the pii-detectors
// reference list, in the five languages.
var religionVocab = vocab(`christian,christianity,catholic,roman catholic,protestant,orthodox,evangelical,lutheran,anglican,
baptist,methodist,muslim,islam,sunni,shia,jewish,judaism,hindu,hinduism,buddhist,buddhism,sikh,sikhism,jain,bahai,
shinto,taoist,atheist,agnostic,none,no religion,other,katholisch,römisch katholisch,evangelisch,rk,ev,muslimisch,jüdisch,
konfessionslos,orthodox,ohne,catholique,protestant,musulman,musulmane,juif,juive,bouddhiste,athee,sans religion,
catolico,catolica,protestante,musulman,judio,judia,budista,ateo,atea,sin religion,katholiek,protestants,islamitisch,
joods,hindoe,boeddhist,geen,gereformeerd,hervormd,moslim`)

// ethnicityVocab holds census-style ethnic and racial categories (Adult's
// spellings included).
var ethnicityVocab = vocab(`white,black,asian,asian pac islander,amer indian eskimo,american indian,alaska native,
native american,pacific islander,native hawaiian,hispanic,latino,latina,latinx,hispanic or latino,not hispanic or latino,
african american,black or african american,caucasian,mixed,multiracial,two or more races,other,arab,middle eastern,
south asian,east asian,white british,white irish,white other,black african,black caribbean,indian,pakistani,bangladeshi,
chinese,weiss,schwarz,asiatisch,blanc,noir,asiatique,metis,blanco,negro,asiatico,gitano,mestizo,indigena,wit,zwart,
aziatisch,marokkaans,turks,surinaams,antilliaans,autochtoon,westers,niet westers`)

// countryVocab holds country names in English (Adult's spellings
// included) and the other four languages, plus common demonyms for
// nationality columns.
var countryVocab = vocab(`united states,united states of america,usa,us,u s,america,canada,mexico,germany,france,spain,
netherlands,holland,belgium,united kingdom,uk,great britain,england,scotland,wales,ireland,italy,portugal,poland,
austria,switzerland,sweden,norway,denmark,finland,iceland,greece,turkey,russia,ukraine,romania,bulgaria,hungary,
czech republic,czechia,slovakia,slovenia,croatia,serbia,bosnia,albania,yugoslavia,luxembourg,china,japan,india,
pakistan,bangladesh,vietnam,philippines,thailand,cambodia,laos,indonesia,malaysia,singapore,south korea,korea,taiwan,
hong,hong kong,iran,iraq,israel,egypt,morocco,algeria,tunisia,nigeria,ghana,kenya,south africa,ethiopia,brazil,argentina,
chile,colombia,peru,venezuela,ecuador,cuba,jamaica,haiti,dominican republic,puerto rico,guatemala,honduras,nicaragua,
el salvador,trinadad&tobago,trinidad and tobago,outlying us(guam usvi etc),outlying us guam usvi etc,holand netherlands,
australia,new zealand,deutschland,frankreich,spanien,niederlande,belgien,vereinigtes königreich,italien,österreich,
schweiz,türkei,polen,russland,vereinigte staaten,allemagne,espagne,pays bas,belgique,royaume uni,italie,etats unis,
autriche,suisse,turquie,pologne,maroc,algerie,tunisie,alemania,francia,españa,paises bajos,belgica,reino unido,italia,
estados unidos,marruecos,duitsland,frankrijk,spanje,nederland,belgie,verenigd koninkrijk,italie,verenigde staten,
marokko,turkije,suriname,curacao,indonesie,de,fr,es,nl,be,gb,it,pt,pl,at,ch,se,no,dk,fi,ie,american,canadian,mexican,
german,french,spanish,dutch,belgian,british,english,irish,italian,portuguese,polish,austrian,swiss,swedish,turkish,
russian,ukrainian,romanian,chinese,japanese,indian,moroccan,brazilian,deutsch,deutsche,französisch,spanisch,niederländisch,
türkisch,polnisch,italienisch,francaise,francais,allemande,allemand,espagnol,espagnole,neerlandais,belge,marocain,marocaine,
italien,italienne,portugais,portugaise,espanol,espanola,frances,francesa,aleman,alemana,marroqui,nederlandse,
nederlands,belgische,duitse,franse,spaanse,marokkaanse,turkse,surinaamse,britse`)

// occupationVocab holds occupations (Adult's categories included) and
// common job titles.
var occupationVocab = vocab(`tech support,craft repair,other service,sales,exec managerial,prof specialty,handlers cleaners,
machine op inspct,adm clerical,farming fishing,transport moving,priv house serv,protective serv,armed forces,
engineer,software engineer,developer,teacher,nurse,doctor,physician,lawyer,accountant,manager,clerk,cashier,driver,
mechanic,electrician,plumber,carpenter,cook,chef,waiter,waitress,cleaner,secretary,assistant,consultant,analyst,
designer,architect,pharmacist,dentist,technician,salesperson,student,retired,unemployed,homemaker,self employed,
lehrer,lehrerin,ingenieur,ingenieurin,krankenpfleger,krankenschwester,arzt,ärztin,verkäufer,verkäuferin,kaufmann,
kauffrau,sachbearbeiter,sachbearbeiterin,softwareentwickler,buchhalter,mechaniker,elektriker,koch,fahrer,
enseignant,enseignante,infirmier,infirmiere,medecin,avocat,comptable,vendeur,vendeuse,cuisinier,chauffeur,
ingenieur,employe,employee,ouvrier,profesor,profesora,enfermero,enfermera,medico,abogado,contable,vendedor,
vendedora,cocinero,conductor,camarero,leraar,lerares,verpleegkundige,arts,advocaat,boekhouder,verkoper,kok,
chauffeur,monteur,programmeur,beleidsmedewerker,administratief medewerker`)

// employmentVocab holds employment classes (Adult's workclass included).
var employmentVocab = vocab(`private,self emp not inc,self emp inc,federal gov,local gov,state gov,without pay,never worked,
employed,unemployed,self employed,full time,part time,contractor,freelance,temporary,permanent,retired,student,
angestellt,arbeitslos,selbstständig,selbststandig,beamter,vollzeit,teilzeit,salarie,chomeur,independant,fonctionnaire,
temps plein,temps partiel,cdi,cdd,empleado,desempleado,autonomo,funcionario,jornada completa,media jornada,
werknemer,werkloos,zelfstandige,zzp,ambtenaar,voltijd,deeltijd`)

// streetTypes are street-type words; a value holding a house number and
// one of them (as a word, or ending a compound such as Hauptstraße or
// Kerkstraat) is a street address.
var streetWords = vocab(`street,st,avenue,ave,road,rd,lane,ln,boulevard,blvd,drive,dr,court,ct,way,place,pl,terrace,
highway,hwy,parkway,pkwy,circle,square,trail,strasse,str,weg,platz,allee,gasse,ring,damm,ufer,rue,av,bd,boulevard,
chemin,allee,impasse,quai,cours,route,calle,c,avenida,avda,paseo,plaza,carrera,camino,ronda,travesia,straat,laan,
plein,gracht,kade,singel,dreef,steeg,hof,pad`)

var streetSuffixes = []string{"strasse", "str", "weg", "platz", "allee", "gasse", "ring", "damm", "straat", "laan",
	"plein", "gracht", "kade", "singel", "dreef", "steeg"}

// nameParticles are lower-case words inside person names.
var nameParticles = vocab(`van,de,der,den,von,zu,del,della,la,le,du,da,dos,das,di,ten,ter,y,bin,al,el,mac,mc,st`)

// titles are honorifics that may precede a person name.
var nameTitles = vocab(`mr,mrs,ms,miss,dr,prof,herr,frau,m,mme,mlle,sr,sra,srta,dhr,mevr,ir,drs`)
