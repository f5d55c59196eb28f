#!/usr/bin/python3
"""resolve-corpus.py -- person and company records with a known truth, for
the entity resolution benchmark.

Usage:
  resolve-corpus.py person OUTDIR N [SEED]
  resolve-corpus.py company OUTDIR N [SEED]

Writes OUTDIR/records.jsonl (N records in a shuffled order),
OUTDIR/truth.jsonl ({"id", "entity"} for each record, in the same order),
OUTDIR/summary.txt (one line of counts) and, for persons,
OUTDIR/nicknames.txt (a synonym file: one group a line, the canonical name
first, then its nicknames; every nickname the records use is in it).
records.jsonl is written last, so that its presence says the corpus is
whole.  The same N and SEED (default 1) give the same corpus byte for
byte; numpy and the standard library only.

The corpus imitates what four source systems hold about the same people
or companies, Febrl-style but with more kinds of variation.  Each entity
has one true record (its state, which may change: a move, a marriage) and
1 to 8 records in the sources (45% have one, mean about 2.2); each record
is rendered by one source system with that system's formats and errors:

  crm  Title Case names, dates YYYY-MM-DD, phones "+1 555 201 3344",
       full street words; few typos (keyed in by staff).
  erp  UPPER CASE, dates DD/MM/YYYY, phones as bare digits, street types
       abbreviated (ST, RD, AVE), initials for first names, e-mail often
       missing.
  web  entered by the person: lower, Title or mixed case, dates
       MM/DD/YYYY, phones "(555) 201-3344" or "555-201-3344", nicknames,
       the most typos, first and last name sometimes swapped.
  ocr  scanned forms: dates YYYYMMDD, OCR confusions (rn/m, 0/O, 1/l,
       5/S, cl/d, 8/B), values missing.

Persons: first names (about 200 for each sex) and surnames (about 400
common ones, then a tail of some tens of thousands made of syllables) are
drawn with Zipf-like frequencies (p(rank r) proportional to
1 / (r + 3) for first names and 1 / (r + 10) for surnames, which gives the
most common surname about 1% of the people, as in a census).  About 25%
of the people live in households of 2 to 5 (same address, the same
surname for 85% of them, a home phone that 8% of their records give;
other first names and dates of birth); 1.5% of those are twins (same
date of birth, another first name): these are the confusers.  A person may have moved (15%: a record has the old or the new
address, and the phone changes with half of the moves) and a woman may
have married (12%: maiden or married surname).  Records may carry a
nickname from nicknames.txt (William as Bill), an initial ("J." for
John), typos (a character inserted, deleted, replaced by a neighbour key
or two characters transposed), swapped names, a different e-mail
(a person has one or two addresses), and missing values.  A record never
loses more than two of first name, surname, date of birth and address,
so that a careful reader can still tell who it is.

Companies: names are made of a core (a surname with a trade, two
surnames, a place with a trade, an adjective with a noun and a trade, or
an invented word), with Zipf-like frequencies of the cores, so that
"Johnson Plumbing" exists in several cities as different companies (the
confusers: same name, different address, phone and web site), and a
legal form written in its variants (Inc, Inc., Incorporated; LLC,
L.L.C.; Ltd, Ltd., Limited; GmbH; S.A., SA; plc, PLC; Co, Co., Company;
Corp, Corp., Corporation; or left out).  Two companies of one name are
never in the same city.  Companies are in the US, the UK
and Germany, each with its own postcode, phone and street formats (a
German street has its number after the name: "Hauptstraße 12",
"Hauptstr. 12").  Records may abbreviate words (International as Intl,
Manufacturing as Mfg, and as &), change case, have typos and OCR errors,
an old address (a company moves within its city, and a quarter of
the moves change its phone number), a second phone number, and a web
site written
with or without scheme, www and final slash.

The truth is the entity of each record; a pair is true when both records
have the same entity."""
import json
import os
import sys

import numpy as np

# Names.  First names by sex, most common first (after the US Social
# Security lists of the 1950s to 1990s); surnames most common first
# (after the US census lists).
MALE = """James John Robert Michael William David Richard Joseph Thomas
Charles Christopher Daniel Matthew Anthony Mark Donald Steven Paul Andrew
Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan
Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon
Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry
Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter
Noah Jeremy Christian Keith Roger Terry Gerald Harold Sean Austin Carl
Arthur Lawrence Dylan Jesse Jordan Bryan Billy Joe Bruce Gabriel Logan
Albert Willie Alan Juan Wayne Elijah Randy Roy Vincent Ralph Eugene
Russell Bobby Mason Philip Louis Harry Howard Fred Francis Victor Martin
Leonard Dale Stanley Frederick Theodore Edwin Herbert Alfred Clarence
Ernest Norman Bernard Leon Calvin Clifford Lloyd Marvin Vernon Herman
Glenn Gordon Lewis Cecil Warren Milton Chester Oscar Melvin Wallace
Nelson Curtis Jimmy Manuel Carlos Luis Jorge Ricardo Pedro Miguel Antonio
Francisco Rafael Hector Marcus Derek Travis Shawn Cody Joel Trevor Colin
Ian Neil Owen Luke Caleb Isaac Evan Hunter Connor Gavin Dominic Tristan
Leo Max Simon Felix Oliver Sebastian Julian Adrian Mario Dean Grant Ross
Barry Clyde Lester Floyd Leroy Allen Marshall Wesley Troy Edgar Everett
Jay Duane Rodney Rex Hugh Angus Malcolm Stuart Graham Nigel Giles Rupert
Kurt Hans Jens Lars Sven Nils Karl Otto Dieter Jurgen Wolfgang Klaus
Stefan Tobias Matthias Florian Lukas Jonas Finn Ahmed Mohammed Omar Ali
Hassan Yusuf Ibrahim Ravi Arjun Vikram Rahul Sanjay Wei Jun Hiroshi Kenji
Takeshi Dmitri Ivan Sergei Pavel Andrei Piotr Tomasz Marek Jakub"""

FEMALE = """Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah
Karen Nancy Lisa Betty Margaret Sandra Ashley Kimberly Emily Donna
Michelle Dorothy Carol Amanda Melissa Deborah Stephanie Rebecca Sharon
Laura Cynthia Kathleen Amy Shirley Angela Helen Anna Brenda Pamela Nicole
Emma Samantha Katherine Christine Debra Rachel Catherine Carolyn Janet
Ruth Maria Heather Diane Virginia Julie Joyce Victoria Olivia Kelly
Christina Lauren Joan Evelyn Judith Megan Cheryl Andrea Hannah Martha
Jacqueline Frances Gloria Ann Teresa Kathryn Sara Janice Jean Alice
Madison Doris Abigail Julia Judy Grace Denise Amber Marilyn Beverly
Danielle Theresa Sophia Marie Diana Brittany Natalie Isabella Charlotte
Rose Alexis Kayla Lillian Eleanor Louise Florence Edith Irene Mildred
Gladys Ethel Lucille Hazel Thelma Josephine Bernice Marjorie Vivian
Agnes Clara Pauline Beatrice Muriel Harriet Constance Rosemary Wendy
Sally Penny Holly Tracy Tina Dawn Stacy Kristen Erin Kelsey Courtney
Chelsea Brooke Paige Morgan Taylor Haley Allison Molly Chloe Zoe Lily
Ella Ava Mia Harper Aria Layla Nora Riley Stella Violet Aurora Hazel
Lucy Ruby Ivy Audrey Claire Caroline Naomi Leah Sadie Eva Rosa Carmen
Lucia Elena Sofia Isabel Ana Gabriela Valentina Daniela Camila Adriana
Veronica Monica Yolanda Gisela Ingrid Ursula Heike Sabine Petra Birgit
Anke Katrin Silke Jutta Astrid Greta Freya Sigrid Fatima Aisha Leila
Yasmin Priya Anjali Sunita Deepa Mei Ling Yuki Keiko Akiko Olga Natasha
Svetlana Irina Tatiana Agnieszka Katarzyna Magdalena Joanna Ewa"""

SURNAMES = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez
Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore
Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis
Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores
Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts
Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart
Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson
Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks
Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo
Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell
Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez
Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin
Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina
Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez
McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb
Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez
Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black
Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt
Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne
Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters
Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson
Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman
Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence
Sandoval Guerrero George Chapman Rios Estrada Ortega Watkins Greene Nunez
Wheeler Valdez Harper Burke Larson Santiago Maldonado Morrison Franklin
Carlson Austin Dominguez Carr Lawson Jacobs OBrien Lynch Singh Vega Bishop
Montgomery Oliver Jensen Harvey Williamson Gilbert Dean Sims Espinoza
Howell Li Wong Reid Hanson Le McCoy Garrett Burton Fuller Wang Weber
Welch Rojas Lucas Marquez Fields Park Yang Little Banks Padilla Day Walsh
Bowman Schultz Luna Fowler Mejia Davidson Acosta Brewer May Holland Juarez
Newman Pearson Curtis Cortez Douglas Schneider Joseph Barrett Navarro
Figueroa Keller Avila Wade Molina Stanley Hopkins Campos Barnett Bates
Chambers Caldwell Beck Lambert Miranda Byrd Craig Ayala Lowe Frazier
Powers Neal Leonard Gregory Carrillo Sutton Fleming Rhodes Shelton
Schwartz Norris Jennings Watts Duran Walters Cohen McDaniel Moran Parks
Steele Vaughn Becker Holt DeLeon Barker Terry Hale Leon Hail Benson Haynes
Horton Miles Lyons Pham Graves Bush Thornton Wolfe Warner Cabrera McKinney
Mann Zimmerman Dawson Lara Fletcher Page McCarthy Love Robles Cervantes
Solis Erickson Reeves Chang Klein Salinas Fuentes Baldwin Daniel Simon
Velasquez Hardy Higgins Aguirre Lin Cummings Chandler Sharp Barber Bowen
Ochoa Dennis Robbins Liu Ramsey Francis Griffith Paul Blair OConnor
Cardenas Pacheco Cross Calderon Quinn Moss Swanson Chan Rivas Khan
Rodgers Serrano FitzGerald Rosales Stevenson Christensen Manning Gill
Curry McLaughlin Harmon McGee Gross Doyle Garner Newton Burgess Reese
Walton Blake Trujillo Adkins Brady Goodman Roman Webster Goodwin Fischer
Huang Potter Delacruz Montoya Todd Wu Hines Mullins Castaneda Malone
Cannon Tate Mack Sherman Hubbard Hodges Zhang Guerra Wolf Valencia
Saunders Franco Rowe Gallagher Farmer Hammond Hampton Townsend Ingram
Wise Gallegos Clarke Barton Schroeder Maxwell Waters Logan Camacho Strickland
Norman Person Colon Parsons Frank Harrington Glover Osborne Buchanan
Casey Floyd Patton Ibarra Ball Tyler Suarez Bowers Orozco Salas Cobb Gibbs
Andrade Bauer Conner Moody Escobar McGuire Lloyd Mueller Hartman French
Kramer McBride Pope Lindsey Velazquez Norton McCormick Sparks Flynn Yates
Hogan Marsh Macias Villanueva Zamora Pratt Stokes Owen Ballard Lang Brock
Villarreal Charles Drake Barrera Cain Patrick Pineda Burnett Mercado
Santana Shepherd Bautista Ali Shaffer Lamb Trevino McKenzie Hess Beil
Olsen Cochran Morton Nash Wilkins Petersen Briggs Shah Roth Nicholson
Holloway Lozano Rangel Flowers Hoover Short Arias Mora Valenzuela Bryan
Meyers Weiss Underwood Bass Greer Summers Houston Carson Morrow Clayton
Whitaker Decker Yoder Collier Zuniga Carey Wilcox Melendez Poole Roberson
Larsen Conley Davenport Copeland Massey Lam Huff Rocha Cameron Jefferson
Hood Monroe Anthony Pittman Huynh Randall Singleton Kirk Combs Mathis
Christian Skinner Bradford Richard Galvan Wall Boone Kirby Wilkinson
Bridges Bruce Atkinson Velez Meza Roy Vincent York Hodge Villa Abbott
Allison Tapia Gates Chase Sosa Sweeney Farrell Wyatt Dalton Horn Barron
Phelps Yu Dickerson Heath Foley Atkins Mathews Bonilla Acevedo Benitez
Zavala Hensley Glenn Cisneros Harrell Shields Rubio Choi Huffman Boyer
Garrison Arroyo Bond Kane Hancock Callahan Dillon Cline Wiggins Grimes"""

# Syllables of the surname tail: a start, an optional middle and an end.
TAIL_START = """Ab Ad Al Am An Ar As Ba Bal Bar Be Ber Bi Bo Bra Bre Bro Bu Ca Cal
Car Ce Cha Che Cho Ci Co Cor Cra Cu Da Dal Dar De Del Di Do Dra Du Ed El
Em En Er Es Fa Fal Far Fe Fer Fi Fo Fra Fu Ga Gal Gar Ge Gi Go Gra Gre Gu
Ha Hal Har He Hel Hi Ho Hu Ja Je Jo Ju Ka Kal Kar Ke Ki Ko Kra Ku La Lan
Le Li Lo Lu Ma Mal Mar Me Mi Mo Mu Na Ne Ni No Nu Ol Or Os Pa Pal Par Pe
Pi Po Pra Pu Ra Ran Re Ri Ro Ru Sa Sal San Se Si So Sta Ste Su Ta Tal Tan
Te Ti To Tra Tu Va Val Ve Vi Vo Wa Wal We Wi Wo Ya Ye Yo Za Ze Zo"""
TAIL_MID = """a e i o u an ar el en er in on or ul ad ed od ig um ov"""
TAIL_END = """berg ski ska son sen ton ley field man mann wood ford ham well
worth stein ez es ini ello etti ov ova enko uk ak ic ich er ner ker by
dale more wick gate ridge land burn ell ard ian ano ardi ata ux eau ier
hoff baum feld haus dorf lund strom quist vik kin kins ing ings wright"""

# Nicknames: the canonical name first.  Every nickname the records use
# comes from here; the file written holds these groups.
NICKNAMES = """William Bill Billy Will Willy Liam
Robert Bob Bobby Rob Robbie Bert
Richard Dick Rick Ricky Rich Richie
James Jim Jimmy Jamie
John Jack Johnny Jon
Joseph Joe Joey
Thomas Tom Tommy
Charles Charlie Chuck Chas
Christopher Chris Kit
Daniel Dan Danny
Matthew Matt
Anthony Tony
Michael Mike Mikey Mick
Donald Don Donnie
Steven Steve
Stephen Steve Stevie
Andrew Andy Drew
Joshua Josh
Kenneth Ken Kenny
Timothy Tim Timmy
Ronald Ron Ronnie
Edward Ed Eddie Ted Ned
Jeffrey Jeff
Gregory Greg
Alexander Alex Sandy Xander
Benjamin Ben Benny
Samuel Sam Sammy
Nicholas Nick Nicky
Jonathan Jon Johnny
Patrick Pat Paddy
Raymond Ray
Lawrence Larry
Gerald Gerry Jerry
Harold Hal Harry
Henry Hank Harry
Frederick Fred Freddie
Theodore Ted Teddy Theo
Albert Al Bert
Alfred Al Alf Fred
Francis Frank Fran
Douglas Doug
Zachary Zach Zack
Nathan Nate
Nathaniel Nate Nat
Jacob Jake
Peter Pete
Walter Walt Wally
Phillip Phil
Philip Phil
Leonard Leo Len Lenny
Eugene Gene
Vincent Vince Vinny
Bernard Bernie
Stanley Stan
Herbert Herb Bert
Elizabeth Liz Beth Betty Lizzie Eliza Libby
Margaret Maggie Peggy Meg Marge Margie
Katherine Kate Kathy Katie Kat
Catherine Cathy Cat Kate
Kathleen Kathy Kate
Patricia Pat Patty Trish Tricia
Jennifer Jen Jenny
Barbara Barb Babs
Susan Sue Susie
Jessica Jess Jessie
Deborah Deb Debbie
Rebecca Becky Becca
Stephanie Steph
Victoria Vicky Tori
Christine Chris Chrissy Tina
Christina Chris Tina
Samantha Sam Sammie
Kimberly Kim
Amanda Mandy
Pamela Pam
Cynthia Cindy
Dorothy Dot Dottie
Virginia Ginny
Judith Judy Jude
Jacqueline Jackie
Theresa Terry Tess
Teresa Terry Tess
Abigail Abby
Josephine Jo Josie
Eleanor Ellie Nora
Frances Fran Frankie
Alexandra Alex Sandra Lexi
Gabriela Gabby
Isabella Bella Izzy
Natalie Nat
Madison Maddie
Olivia Liv
Caroline Carrie
Carolyn Carrie
Harriet Hattie
Constance Connie
Beatrice Bea
Agnes Aggie
Mildred Millie
Veronica Ronnie
Valentina Val"""

# Addresses (persons; the US companies share them).
STREETS = """Main Oak Maple Cedar Pine Elm Washington Lake Hill Park Church Walnut
Spring North South Ridge Sunset Highland Jefferson Lincoln Madison Franklin
Adams Jackson Willow Chestnut Cherry River Meadow Forest Valley Mill
Center Union Market Water Grove Prospect Railroad Broad Front College
Liberty Pleasant Dogwood Spruce Birch Hickory Sycamore Magnolia Laurel
Poplar Aspen Juniper Cypress Hawthorne Holly Lakeview Fairview Bayview
Riverside Woodland Greenwood Glenwood Kingston Princeton Cambridge Oxford
Harvard Yale Monroe Hamilton Wilson Taylor Grant Sherman Lee Clinton
Hudson Delaware Ohio Virginia Carolina Georgia Vermont Dakota Colorado
Sierra Canyon Mesa Vista Summit Crest Heather Primrose Rosewood Briarwood
Brookside Stonybrook Foxrun Deerpath Eagle Hawk Falcon Sparrow Robin Cardinal
Bluebird Orchard Vineyard Harbor Bridge Mountain Quarry Garden Meadowbrook
Country Club School Depot Academy Elmwood Oakwood Ashland Beacon Colonial"""
STREET_TYPES = [("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave"),
                ("Lane", "Ln"), ("Drive", "Dr"), ("Court", "Ct"),
                ("Place", "Pl"), ("Boulevard", "Blvd"), ("Way", "Way"),
                ("Terrace", "Ter"), ("Circle", "Cir"),
                ("Parkway", "Pkwy")]
CITIES = """Springfield Franklin Greenville Bristol Clinton Fairview Salem
Madison Georgetown Arlington Ashland Burlington Manchester Marion Oxford
Clayton Jackson Milton Auburn Dayton Lexington Milford Riverside Winchester
Cleveland Dover Hudson Kingston Mount_Vernon Newport Oakland Centerville
Chester Dublin Florence Hamilton Lebanon Lancaster Troy Columbia Richmond
Monroe Shelby Union Jefferson Cambridge Concord Danville Plymouth Camden
Trenton Princeton Portland Albany Rochester Syracuse Buffalo Hartford
Providence Worcester Lowell Amherst Berkeley Pasadena Glendale Burbank
Fresno Modesto Stockton Tucson Phoenix Mesa Tempe Boulder Denver Aurora
Omaha Lincoln Topeka Wichita Tulsa Austin Dallas Houston Plano Irving
Laredo Waco Tyler Abilene Amarillo Lubbock Memphis Nashville Knoxville
Louisville Raleigh Durham Charlotte Savannah Macon Augusta Tampa Orlando
Miami Naples Sarasota Pensacola Mobile Jackson Biloxi Baton_Rouge Shreveport
Little_Rock Fayetteville Springdale Joplin Columbia Peoria Joliet Elgin
Naperville Rockford Evanston Gary Fort_Wayne Muncie Toledo Akron Canton
Youngstown Erie Scranton Allentown Reading Harrisburg Wilmington Annapolis
Frederick Roanoke Norfolk Lynchburg Charleston Huntington Wheeling Duluth
Rochester Bloomington Madison Green_Bay Appleton Kenosha Racine Flint
Lansing Ann_Arbor Kalamazoo Saginaw Billings Boise Spokane Tacoma Olympia
Eugene Medford Reno Sparks Provo Ogden Santa_Fe Las_Cruces Cheyenne
Casper Fargo Bismarck Sioux_Falls Rapid_City Des_Moines Cedar_Rapids
Davenport Dubuque Burlington Bangor Portsmouth Nashua Montpelier Newark
Paterson Elizabeth Edison Yonkers Ithaca Utica Binghamton Poughkeepsie"""
MAIL_DOMAINS = ("gmail.com yahoo.com outlook.com hotmail.com icloud.com "
                "aol.com comcast.net proton.me att.net verizon.net "
                "msn.com live.com mail.com gmx.com").split()
MAIL_WEIGHTS = [30, 14, 10, 9, 7, 4, 3, 2, 2, 2, 1, 1, 1, 1]

# Companies.
TRADES = """Plumbing Electric Dental Construction Roofing Landscaping Logistics
Software Consulting Services Systems Solutions Technologies Manufacturing
Industries Holdings Partners Associates Group Enterprises Trading Imports
Foods Bakery Farms Motors Auto Repair Insurance Realty Properties Capital
Financial Advisors Accounting Legal Medical Pharmacy Clinic Labs Design
Media Marketing Printing Packaging Freight Transport Storage Security
Cleaning Catering Brewing Textiles Furniture Hardware Tools Machinery
Steel Plastics Chemicals Energy Solar Environmental Engineering
Architects Surveying Staffing Recruiting Travel Hospitality Fitness
Electronics Instruments Optics Biotech Pharmaceuticals Networks Telecom
Communications Data Analytics Robotics Aerospace Marine Mining Timber"""
ADJECTIVES = """Blue Red Green Golden Silver Northern Southern Eastern Western
Pacific Atlantic Summit Pioneer Liberty Eagle Falcon Phoenix Apex Pinnacle
Premier Prime Royal Crown Star Sun Bright Clear Swift True United Allied
Global National American Metro Coastal Mountain River Lake Valley Oak
Cedar Pine Maple Iron Stone Granite Crystal Diamond Evergreen Heritage
Frontier Horizon Keystone Landmark Meridian Northstar Optimum Quantum
Vertex Zenith Alpine Harbor Bay Ridge Prairie Canyon Delta Sierra"""
NOUNS = """River Peak Rock Bridge Point Gate Field Wood Stone Creek Harbor
Bay Hill Ridge Crest Star Light Wave Path Way Tree Leaf Wing Arrow Shield
Anchor Compass Beacon Forge Works Mill Spring Lane Park Square Circle"""
INVENT_START = """Zen Nov Vel Ax Quan Lum Cor Syn Ver Tri Omni Pro Neo Gen Lex
Vox Kin Sol Ter Aur Cal Dyn Flex Ion Mer Nex Opt Pax Rex Sig Tek Uni Vis
Xen Zyl Bri Cres Dex Ev Fab Gal Hex Inn Jov Kor"""
INVENT_END = """trix link ora ex ify ent ium ara eon os ix era ova ient yx
ica on um ity ano ella ero ius ium us ia io ar or"""
ABBREV = [("International", "Intl"), ("Manufacturing", "Mfg"),
          ("Services", "Svcs"), ("Technologies", "Tech"),
          ("Associates", "Assoc"), ("Brothers", "Bros"),
          ("Engineering", "Eng"), ("Corporation", "Corp"),
          ("Company", "Co"), ("Industries", "Ind"),
          ("Systems", "Sys"), ("Solutions", "Soln"),
          ("Communications", "Comms"), ("Laboratories", "Labs"),
          ("Pharmaceuticals", "Pharma"), ("Properties", "Props"),
          ("Environmental", "Env"), ("Financial", "Finl")]
# Legal forms: the country they are used in and their written variants.
LEGAL = {
    "inc": ("US", ["Inc", "Inc.", "Incorporated", "INC"]),
    "llc": ("US", ["LLC", "L.L.C.", "Llc"]),
    "corp": ("US", ["Corp", "Corp.", "Corporation"]),
    "co": ("US", ["Co", "Co.", "Company"]),
    "sa": ("US", ["S.A.", "SA", "S. A."]),
    "ltd": ("UK", ["Ltd", "Ltd.", "Limited", "LTD"]),
    "plc": ("UK", ["plc", "PLC", "Plc"]),
    "gmbh": ("DE", ["GmbH", "GMBH", "Gmbh"]),
}
LEGAL_BY_COUNTRY = {"US": (["inc", "llc", "corp", "co", "sa"],
                           [40, 35, 12, 10, 3]),
                    "UK": (["ltd", "plc"], [88, 12]),
                    "DE": (["gmbh"], [1])}
UK_CITIES = """London Birmingham Manchester Leeds Glasgow Sheffield Bradford
Liverpool Edinburgh Bristol Cardiff Leicester Coventry Nottingham Hull
Newcastle Stoke Southampton Derby Portsmouth Plymouth Brighton Reading
Northampton Luton Wolverhampton Bolton Bournemouth Norwich Swindon
Swansea Southend Middlesbrough Peterborough Cambridge Oxford York Exeter
Ipswich Gloucester Watford Slough Blackpool Chester Bath Durham Lincoln"""
UK_AREAS = """E EC N NW SE SW W WC B M LS G S BD L EH BS CF LE CV NG HU NE ST
SO DE PO PL BN RG NN LU WV BL BH NR SN SA SS TS PE CB OX YO EX IP GL WD SL
FY CH BA DH LN"""
UK_STREETS = """High Station Church Victoria Green Manor Park Queens Kings
Grange Mill School Albert Windsor York Main Chapel Castle New London
Bridge Springfield North South West East Mill Hall Farm Orchard Wellington
Alexandra Nelson Cromwell Marlborough Richmond Regent Trafalgar Waterloo"""
UK_TYPES = [("Street", "St"), ("Road", "Rd"), ("Lane", "Ln"),
            ("Avenue", "Ave"), ("Close", "Cl"), ("Crescent", "Cres"),
            ("Gardens", "Gdns"), ("Terrace", "Terr"), ("Square", "Sq"),
            ("Way", "Way")]
DE_CITIES = """Berlin Hamburg Munchen Koln Frankfurt Stuttgart Dusseldorf
Leipzig Dortmund Essen Bremen Dresden Hannover Nurnberg Duisburg Bochum
Wuppertal Bielefeld Bonn Munster Mannheim Karlsruhe Augsburg Wiesbaden
Aachen Kiel Freiburg Mainz Rostock Kassel Potsdam Erfurt Lubeck Ulm"""
DE_STREETS = """Haupt Bahnhof Schul Garten Dorf Berg Kirch Wald Ring Linden
Post Wiesen Feld Mozart Goethe Schiller Beethoven Friedrich Wilhelm
Kaiser Konigs Markt Muhlen Rosen Birken Eichen Buchen Tannen Sonnen
Industrie Gewerbe Hafen Neue Alte Lange Kurze"""

# Keys next to each key on a QWERTY keyboard, for typos.
KEYS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
NEAR = {}
for _r, _row in enumerate(KEYS):
    for _c, _k in enumerate(_row):
        # The row above is shifted left of this one, the row below right.
        _n = [(_r, _c - 1), (_r, _c + 1), (_r - 1, _c), (_r - 1, _c + 1),
              (_r + 1, _c - 1), (_r + 1, _c)]
        NEAR[_k] = "".join(KEYS[a][b] for a, b in _n
                           if 0 <= a < 3 and 0 <= b < len(KEYS[a]))
DIGIT_NEAR = {"0": "98", "1": "27", "2": "13", "3": "24", "4": "35",
              "5": "46", "6": "57", "7": "68", "8": "79", "9": "80"}
# OCR confusions, each way: what a character or pair may be read as.
OCR = [("rn", "m"), ("m", "rn"), ("0", "O"), ("O", "0"), ("o", "0"),
       ("1", "l"), ("l", "1"), ("I", "1"), ("5", "S"), ("S", "5"),
       ("cl", "d"), ("8", "B"), ("B", "8"), ("e", "c"), ("h", "b"),
       ("vv", "w"), ("u", "v"), ("i", "l"), ("2", "Z"), ("6", "G")]

SOURCES = ["crm", "erp", "web", "ocr"]
SOURCE_P = [0.35, 0.25, 0.25, 0.15]
# Records of an entity: 1 to 8, P(1) = 0.45.
SIZE_P = [0.45, 0.25, 0.14, 0.08, 0.04, 0.02, 0.01, 0.01]


def words(s):
    return [w.replace("_", " ") for w in s.split()]


def zipf_p(n, offset, s=1.0):
    p = 1.0 / (np.arange(1, n + 1) + offset) ** s
    return p / p.sum()


def surname_list(rng):
    """The common surnames, then a tail made of syllables (distinct from
    them and from each other), in a fixed order."""
    head = []
    seen = set()
    for w in SURNAMES.split():
        w = {"OBrien": "O'Brien", "OConnor": "O'Connor",
             "DeLeon": "De Leon", "Delacruz": "De la Cruz"}.get(w, w)
        if w not in seen:
            seen.add(w)
            head.append(w)
    st, mi, en = TAIL_START.split(), TAIL_MID.split(), TAIL_END.split()
    tail = []
    for a in st:
        for b in [""] + mi:
            for c in en:
                w = a + b + c
                if w not in seen:
                    seen.add(w)
                    tail.append(w)
    tail = [tail[i] for i in rng.permutation(len(tail))]
    return head + tail


# Record corruption.  r is a random.Random.

def typo(r, s):
    """One keying error: insert, delete, substitute a neighbour key or
    transpose two characters."""
    n = len(s)
    if n < 2:
        return s
    op = r.random()
    i = r.randrange(n)
    c = s[i]
    low = c.lower()
    if low in NEAR:
        k = r.choice(NEAR[low])
        k = k.upper() if c.isupper() else k
    elif c in DIGIT_NEAR:
        k = r.choice(DIGIT_NEAR[c])
    else:
        k = c
    if op < 0.25:
        return s[:i] + k + s[i:]
    if op < 0.5:
        return s[:i] + s[i + 1:] if n > 3 else s
    if op < 0.8:
        return s[:i] + k + s[i + 1:]
    if i == n - 1:
        i -= 1
    return s[:i] + s[i + 1] + s[i] + s[i + 2:]


def ocr(r, s, times=1):
    """OCR confusions at a random applicable place, times times."""
    for _ in range(times):
        opts = [(a, b) for a, b in OCR if a in s]
        if not opts:
            return s
        a, b = r.choice(opts)
        k = s.count(a)
        j = r.randrange(k)
        i = -1
        for _ in range(j + 1):
            i = s.index(a, i + 1)
        s = s[:i] + b + s[i + len(a):]
    return s


def case(style, s):
    if style == "u":
        return s.upper()
    if style == "l":
        return s.lower()
    return s


def fmt_date(src, r, y, m, d):
    if src == "crm":
        return "%04d-%02d-%02d" % (y, m, d)
    if src == "erp":
        return "%02d/%02d/%04d" % (d, m, y)
    if src == "web":
        if r.random() < 0.3:
            return "%d/%d/%04d" % (m, d, y)
        return "%02d/%02d/%04d" % (m, d, y)
    return "%04d%02d%02d" % (y, m, d)


def fmt_phone(src, r, p, cc="1", trunk=""):
    """p: the 10 digits of a national number."""
    a, b, c = p[:3], p[3:6], p[6:]
    if src == "crm":
        x = r.random()
        if x < 0.6:
            return "+%s %s %s %s" % (cc, a, b, c)
        if x < 0.8:
            return "+%s-%s-%s-%s" % (cc, a, b, c)
        return "%s%s %s %s" % (trunk, a, b, c)
    if src == "erp":
        return (trunk + p) if r.random() < 0.8 else cc + p
    if src == "web":
        x = r.random()
        if cc == "1" and x < 0.45:
            return "(%s) %s-%s" % (a, b, c)
        if x < 0.8:
            return "%s%s-%s-%s" % (trunk, a, b, c)
        if x < 0.9:
            return "%s%s.%s.%s" % (trunk, a, b, c)
        return "+%s%s" % (cc, p)
    return "%s%s %s %s" % (trunk, a, b, c)


def write_jsonl(path, rows):
    with open(path, "w") as f:
        for x in rows:
            f.write(json.dumps(x, ensure_ascii=False,
                               separators=(", ", ": ")))
            f.write("\n")


def entity_sizes(rng, n):
    """Sizes of entities adding up to n records."""
    k = int(n / 2.0) + 16
    sizes = rng.choice(np.arange(1, 9), size=k, p=SIZE_P)
    c = np.cumsum(sizes)
    while c[-1] < n:
        more = rng.choice(np.arange(1, 9), size=k, p=SIZE_P)
        sizes = np.concatenate([sizes, more])
        c = np.cumsum(sizes)
    m = int(np.searchsorted(c, n))
    sizes = sizes[:m + 1].copy()
    sizes[m] -= c[m] - n
    return sizes[sizes > 0]


def postcodes(cityp, ne):
    """Each city's first postcode and number of postcodes: about 25
    entities a postcode, at least 3 a city."""
    cnt = np.maximum(3, np.round(cityp * ne / 25)).astype(int)
    base = 10000 + np.concatenate([[0], np.cumsum(cnt)[:-1]])
    return base, cnt


def out_paths(outdir):
    os.makedirs(outdir, exist_ok=True)
    return (os.path.join(outdir, "records.jsonl"),
            os.path.join(outdir, "truth.jsonl"))


def finish(outdir, recs, ents, r, summary):
    """Shuffle, give ids, write truth and records (records last)."""
    order = list(range(len(recs)))
    r.shuffle(order)
    rpath, tpath = out_paths(outdir)
    truth = []
    rows = []
    for i, k in enumerate(order):
        rec = recs[k]
        rid = "%s-%07d" % (rec["source"], i + 1)
        rec["id"] = rid
        rows.append(rec)
        truth.append({"id": rid, "entity": "E%07d" % ents[k]})
    write_jsonl(tpath, truth)
    with open(os.path.join(outdir, "summary.txt"), "w") as f:
        f.write(summary + "\n")
    keys = list(rows[0].keys())
    keys.remove("id")
    keys = ["id"] + keys
    write_jsonl(rpath + ".tmp",
                ({k: x.get(k) for k in keys} for x in rows))
    os.replace(rpath + ".tmp", rpath)


# Persons.

def nickname_groups():
    g = []
    for line in NICKNAMES.strip().split("\n"):
        g.append(line.split())
    return g


def make_person(outdir, n, seed):
    import random
    rng = np.random.default_rng(seed)
    r = random.Random(seed)
    male, female = words(MALE), words(FEMALE)
    male = list(dict.fromkeys(male))
    female = list(dict.fromkeys(female))
    surnames = surname_list(rng)
    streets = words(STREETS)
    cities = list(dict.fromkeys(words(CITIES)))
    groups = nickname_groups()
    nick = {}
    for g in groups:
        nick.setdefault(g[0], g[1:])
    with open(os.path.join(outdir if os.path.isdir(outdir)
                           else (os.makedirs(outdir) or outdir),
                           "nicknames.txt"), "w") as f:
        f.write("# Nicknames: the canonical name first, then its "
                "nicknames.\n")
        for g in groups:
            f.write(" ".join(w.lower() for w in g) + "\n")

    sizes = entity_sizes(rng, n)
    ne = len(sizes)
    # Households: 25% of the entities, in groups of 2 to 5.
    hh = np.arange(ne)
    perm = rng.permutation(ne)
    inh = perm[:int(0.25 * ne)]
    pos = 0
    hsizes = rng.choice([2, 3, 4, 5], size=len(inh), p=[.5, .28, .15, .07])
    for hs in hsizes:
        if pos + hs > len(inh):
            break
        members = inh[pos:pos + hs]
        for x in members:
            hh[x] = members[0]
        pos += hs
    inhh = np.zeros(ne, dtype=bool)
    inhh[hh != np.arange(ne)] = True
    inhh[hh[inhh]] = True
    # Canonical attributes, drawn for all entities at once.
    sex = rng.random(ne) < 0.5
    fm = rng.choice(len(male), size=ne, p=zipf_p(len(male), 3))
    ff = rng.choice(len(female), size=ne, p=zipf_p(len(female), 3))
    sn = rng.choice(len(surnames), size=ne, p=zipf_p(len(surnames), 10))
    sn2 = rng.choice(len(surnames), size=ne, p=zipf_p(len(surnames), 10))
    day0 = np.datetime64("1935-01-01")
    dob = day0 + rng.integers(0, 365 * 72, size=ne).astype("timedelta64[D]")
    twin = rng.random(ne) < 0.015
    moved = rng.random(ne) < 0.15
    newphone = rng.random(ne) < 0.5
    married = (~sex) & (rng.random(ne) < 0.12)
    nst = len(streets)
    ncity = len(cities)
    cityp = zipf_p(ncity, 20)
    city = rng.choice(ncity, size=(2, ne), p=cityp)
    pcbase, pccount = postcodes(cityp, ne)
    pc = pcbase[city] + (rng.random((2, ne)) * pccount[city]).astype(int)
    addr = np.stack([rng.integers(1, 3000, size=(2, ne)),
                     rng.integers(0, nst, size=(2, ne)),
                     rng.integers(0, len(STREET_TYPES), size=(2, ne)),
                     city, pc], axis=-1)
    phone = rng.integers(2010000000, 9899999999, size=(3, ne))
    email_n = rng.integers(0, 100, size=(2, ne))
    email_style = rng.integers(0, 6, size=(2, ne))
    email_dom = rng.choice(len(MAIL_DOMAINS), size=(2, ne),
                           p=np.array(MAIL_WEIGHTS) / sum(MAIL_WEIGHTS))
    two_mails = rng.random(ne) < 0.3
    # Household members share the head's surname (most), address and
    # home phone; twins also the date of birth.
    heads = hh
    for x in np.nonzero(hh != np.arange(ne))[0]:
        h = heads[x]
        if rng.random() < 0.85:
            sn[x] = sn[h]
        addr[:, x] = addr[:, h]
        moved[x] = moved[h]
        phone[2, x] = phone[2, h]
        if twin[x]:
            dob[x] = dob[h]
    # Twins without a household become one with the next entity.
    first = np.where(sex, fm, ff)
    # Household members never share a first name (a reader could not
    # tell them apart).
    hseen = {}
    for x in range(ne):
        h = hh[x]
        used = hseen.setdefault(h, set())
        names = male if sex[x] else female
        nl = len(names)
        while (sex[x], first[x]) in used:
            first[x] = (first[x] + 1 + rng.integers(0, 30)) % nl
        used.add((sex[x], first[x]))
    ph = [[str(v) for v in row] for row in phone.tolist()]
    years = dob.astype("datetime64[Y]").astype(int) + 1970
    months = dob.astype("datetime64[M]").astype(int) % 12 + 1
    days = (dob - dob.astype("datetime64[M]")).astype(int) + 1
    years, months, days = years.tolist(), months.tolist(), days.tolist()
    used_mail = set()
    mails = []
    for x in range(ne):
        fn = (male if sex[x] else female)[first[x]].lower()
        ms = []
        for k in range(2 if two_mails[x] else 1):
            s = surnames[sn2[x] if married[x] and k == 1 else sn[x]]
            s = s.lower().replace("'", "").replace(" ", "")
            st = email_style[k, x]
            local = [fn + "." + s, fn[0] + s, fn + s, fn + "_" + s,
                     s + fn[0], fn + "." + s[0]][st]
            num = int(email_n[k, x])
            dom = MAIL_DOMAINS[email_dom[k, x]]
            e = local + "@" + dom
            if num % 3 == 0:
                e = "%s%d@%s" % (local, num, dom)
            while e in used_mail:
                num = r.randrange(1000 if num < 1000 else 100000)
                e = "%s%d@%s" % (local, num, dom)
                num += 1000
            used_mail.add(e)
            ms.append(e)
        mails.append(ms)

    # Rendering: each record from its source.
    src = rng.choice(4, size=n, p=SOURCE_P).tolist()
    recs = []
    ents = []
    abbr = {f: a for f, a in STREET_TYPES}
    addr_l = addr.tolist()
    sex_l = sex.tolist()
    first_l = first.tolist()
    sn_l = sn.tolist()
    sn2_l = sn2.tolist()
    moved_l = moved.tolist()
    married_l = married.tolist()
    newphone_l = newphone.tolist()
    inhh_l = inhh.tolist()
    rr = r.random
    k = 0
    stats = {"nick": 0, "initial": 0, "swap": 0, "typo": 0, "ocr": 0}
    for x in range(ne):
        for _ in range(int(sizes[x])):
            s = SOURCES[src[k]]
            k += 1
            fn = (male if sex_l[x] else female)[first_l[x]]
            surname = surnames[sn_l[x]]
            if married_l[x] and rr() < 0.5:
                surname = surnames[sn2_l[x]]
            v = 1 if moved_l[x] and rr() < 0.5 else 0
            num, st, ty, city, pc = addr_l[v][x]
            # Name variants.
            if fn in nick and rr() < {"web": 0.3, "crm": 0.12}.get(s,
                                                                  0.05):
                fn = r.choice(nick[fn])
                stats["nick"] += 1
            elif rr() < (0.12 if s == "erp" else 0.03):
                fn = fn[0] + ("." if rr() < 0.6 else "")
                stats["initial"] += 1
            pt = {"web": 0.1, "ocr": 0.03}.get(s, 0.015)
            if rr() < pt:
                fn = typo(r, fn)
                stats["typo"] += 1
            if rr() < pt:
                surname = typo(r, surname)
                stats["typo"] += 1
            street_type = STREET_TYPES[ty][0]
            if s == "erp" or (s == "web" and rr() < 0.5):
                street_type = abbr[street_type]
                if s == "web" and rr() < 0.3:
                    street_type += "."
            street = "%d %s %s" % (num, streets[st], street_type)
            if rr() < pt:
                street = typo(r, street)
            cityname = cities[city]
            if rr() < pt / 2:
                cityname = typo(r, cityname)
            postcode = "%05d" % pc
            if rr() < pt / 3:
                postcode = typo(r, postcode)
            y, m, d = years[x], months[x], days[x]
            if rr() < pt / 2:
                # A keyed date: a digit off in the day or the year.
                if rr() < 0.5:
                    d = min(28, max(1, d + r.choice([-10, -1, 1, 10])))
                else:
                    y += r.choice([-1, 1, -10])
            dob_s = fmt_date(s, r, y, m, d)
            if newphone_l[x] and v == 1:
                p = ph[1][x]
            elif inhh_l[x] and rr() < 0.08:
                p = ph[2][x]
            else:
                p = ph[0][x]
            phone_s = fmt_phone(s, r, p)
            if rr() < pt / 2:
                phone_s = typo(r, phone_s)
            ms = mails[x]
            mail = ms[0] if len(ms) == 1 or rr() < 0.6 else ms[1]
            if s == "erp":
                mail = mail.upper()
            elif s == "web" and rr() < 0.2:
                mail = mail[0].upper() + mail[1:]
            if rr() < pt / 2:
                mail = typo(r, mail)
            # Case of names and address by source.
            if s == "erp":
                cs = "u"
            elif s == "web":
                cs = r.choice("llt")
            elif s == "ocr":
                cs = "u" if rr() < 0.3 else "t"
            else:
                cs = "t"
            fn, surname = case(cs, fn), case(cs, surname)
            street, cityname = case(cs, street), case(cs, cityname)
            if s == "ocr":
                for f in range(5):
                    if rr() < 0.15:
                        stats["ocr"] += 1
                        if f == 0:
                            fn = ocr(r, fn)
                        elif f == 1:
                            surname = ocr(r, surname)
                        elif f == 2:
                            street = ocr(r, street)
                        elif f == 3:
                            dob_s = ocr(r, dob_s)
                        else:
                            phone_s = ocr(r, phone_s)
            if rr() < {"web": 0.015}.get(s, 0.005):
                fn, surname = surname, fn
                stats["swap"] += 1
            rec = {"source": s, "first_name": fn, "surname": surname,
                   "dob": dob_s, "street": street, "city": cityname,
                   "postcode": postcode, "phone": phone_s, "email": mail}
            # Missing values, by source; at most two of the core fields.
            pm = {"crm": (.02, .03, .05, .1, .3),
                  "erp": (.03, .05, .1, .05, .4),
                  "web": (.02, .15, .3, .1, .02),
                  "ocr": (.08, .1, .15, .2, .35)}[s]
            lost = 0
            if rr() < pm[0]:
                rec["first_name"] = None
                lost += 1
            if rr() < pm[1]:
                rec["dob"] = None
                lost += 1
            if rr() < pm[2] and lost < 2:
                rec["street"] = None
                if rr() < 0.5:
                    rec["postcode"] = None
            if rr() < pm[3]:
                rec["phone"] = None if rr() < 0.7 else ""
            if rr() < pm[4]:
                rec["email"] = None
            recs.append(rec)
            ents.append(x)
    summary = ("%d person records of %d people (%d in households, %d "
               "twins, %d moved, %d married); %d nicknames, %d initials, "
               "%d swapped names, %d typos, %d OCR errors" % (
                   n, ne, int(inhh.sum()),
                   int(twin[hh != np.arange(ne)].sum()), int(moved.sum()),
                   int(married.sum()), stats["nick"], stats["initial"],
                   stats["swap"], stats["typo"], stats["ocr"]))
    finish(outdir, recs, ents, r, summary)
    return summary

# Companies.

def uk_postcode(r, area):
    return "%s%d %d%s%s" % (area, r.randrange(1, 20), r.randrange(1, 10),
                           r.choice("ABDEFGHJLNPQRSTUWXYZ"),
                           r.choice("ABDEFGHJLNPQRSTUWXYZ"))


def company_core(r, rng_surname, country, cityname, trades, adjs, nouns,
                 starts, ends):
    """A company's name without its legal form, and the words its web
    domain is made of."""
    x = r.random()
    trade = r.choice(trades)
    if x < 0.3:
        w = [rng_surname(), trade]
    elif x < 0.38:
        w = [rng_surname(), "&", rng_surname()]
    elif x < 0.42:
        w = [rng_surname(), "&", "Sons"]
    elif x < 0.45:
        w = [rng_surname(), "Brothers"]
    elif x < 0.55:
        w = [cityname, trade]
    elif x < 0.75:
        w = [r.choice(adjs), r.choice(nouns), trade]
    elif x < 0.85:
        w = [r.choice(adjs), trade]
    elif x < 0.92:
        w = [r.choice(starts) + r.choice(ends)]
        if r.random() < 0.5:
            w.append(trade)
    else:
        w = [r.choice(adjs + [rng_surname()]), "International", trade]
    if r.random() < 0.06 and w[-1] not in ("Sons", "Brothers"):
        w.append(r.choice(["Manufacturing", "Services", "Technologies",
                           "Engineering", "Systems", "Solutions",
                           "Communications", "Laboratories"]))
    return w


def make_company(outdir, n, seed):
    import random
    rng = np.random.default_rng(seed)
    r = random.Random(seed)
    surnames = surname_list(rng)
    sp = zipf_p(len(surnames), 10)
    spool = rng.choice(len(surnames), size=4 * n + 100, p=sp).tolist()
    spos = [0]

    def rng_surname():
        spos[0] += 1
        return surnames[spool[spos[0] % len(spool)]].replace(" ", "")
    trades = TRADES.split() + ["Manufacturing", "Services", "Technologies",
                               "Engineering", "Environmental",
                               "Pharmaceuticals", "Properties",
                               "Laboratories", "Financial"]
    adjs, nouns = ADJECTIVES.split(), NOUNS.split()
    starts, ends = INVENT_START.split(), INVENT_END.split()
    geo = {"US": (words(CITIES), words(STREETS), STREET_TYPES),
           "UK": (words(UK_CITIES), words(UK_STREETS), UK_TYPES),
           "DE": (words(DE_CITIES), words(DE_STREETS),
                  [("straße", "str."), ("weg", "weg"), ("platz", "pl."),
                   ("allee", "allee")])}
    for c in geo:
        geo[c] = (list(dict.fromkeys(geo[c][0])),) + geo[c][1:]
    ukarea = UK_AREAS.split()
    sizes = entity_sizes(rng, n)
    ne = len(sizes)
    country = rng.choice(["US", "UK", "DE"], size=ne, p=[.6, .25, .15])
    cityp = {c: zipf_p(len(geo[c][0]), 10) for c in geo}
    pcs = {c: postcodes(cityp[c], ne * 0.4) for c in geo}
    cis = {c: rng.choice(len(geo[c][0]), size=ne, p=cityp[c]) for c in geo}
    taken = set()
    domains = set()
    ents = []
    for x in range(ne):
        c = str(country[x])
        cities, streets, types = geo[c]
        forms, fw = LEGAL_BY_COUNTRY[c]
        legal = r.choices(forms, weights=fw)[0]
        addrs = []
        # A company that moves stays in its city (a new street and
        # postcode).
        ci = int(cis[c][x])
        for _ in range(2):
            base, cnt = pcs[c]
            if c == "UK":
                pc = uk_postcode(r, ukarea[ci % len(ukarea)])
            else:
                pc = "%05d" % (base[ci] + r.randrange(cnt[ci]) +
                               (50000 if c == "DE" else 0))
            addrs.append((r.randrange(1, 400), r.choice(streets),
                          r.randrange(len(types)), ci, pc))
        while True:
            core = company_core(r, rng_surname, c, cities[addrs[0][3]],
                                trades, adjs, nouns, starts, ends)
            key = (" ".join(core), c, addrs[0][3])
            if key not in taken:
                taken.add(key)
                break
        tld = {"US": ".com", "UK": ".co.uk", "DE": ".de"}[c]
        dom = "".join(w.lower() for w in core if w != "&")
        if r.random() < 0.2:
            dom = "-".join(w.lower() for w in core if w != "&")
        if dom + tld in domains:
            dom = dom + "-" + cities[addrs[0][3]].lower().replace(" ", "")
        while dom + tld in domains:
            dom = dom + str(r.randrange(10))
        domains.add(dom + tld)
        site = dom + tld if r.random() < 0.7 else None
        phones = ["%d" % r.randrange(2010000000, 9899999999)
                  for _ in range(3)]
        ents.append((c, core, legal, addrs, r.random() < 0.15,
                     r.random() < 0.25, r.random() < 0.3, phones, site))
    src = rng.choice(4, size=n, p=SOURCE_P).tolist()
    abbr = dict(ABBREV)
    recs, owner = [], []
    rr = r.random
    k = 0
    for x in range(ne):
        c, core, legal, addrs, moved, newphone, twophones, phones, site = \
            ents[x]
        cities, streets, types = geo[c]
        for _ in range(int(sizes[x])):
            s = SOURCES[src[k]]
            k += 1
            pt = {"web": 0.08, "ocr": 0.03}.get(s, 0.015)
            pa = {"erp": 0.6}.get(s, 0.12)
            w = []
            for t in core:
                if t in abbr and rr() < pa:
                    t = abbr[t] + ("." if rr() < 0.3 else "")
                elif t == "&" and rr() < 0.3:
                    t = "and"
                w.append(t)
            name = " ".join(w)
            if rr() >= {"web": 0.35, "ocr": 0.2}.get(s, 0.1):
                form = r.choice(LEGAL[legal][1])
                name += (", " if rr() < 0.25 else " ") + form
            if rr() < pt * 1.5:
                name = typo(r, name)
            v = 1 if moved and rr() < 0.5 else 0
            num, st, ty, ci, pc = addrs[v]
            full, short = types[ty]
            tname = short if (s == "erp" or (s == "web" and rr() < 0.5)) \
                else full
            if c == "DE":
                street = "%s%s %d" % (st, tname, num)
            else:
                street = "%d %s %s" % (num, st, tname)
            if rr() < pt:
                street = typo(r, street)
            cityname = cities[ci]
            if rr() < pt / 2:
                cityname = typo(r, cityname)
            if rr() < pt / 3:
                pc = typo(r, pc)
            if newphone and v == 1:
                p = phones[1]
            elif twophones and rr() < 0.35:
                p = phones[2]
            else:
                p = phones[0]
            cc, trunk = {"US": ("1", ""), "UK": ("44", "0"),
                         "DE": ("49", "0")}[c]
            phone_s = fmt_phone(s, r, p, cc, trunk)
            if rr() < pt / 2:
                phone_s = typo(r, phone_s)
            web = site
            if web is not None:
                y = rr()
                if y < 0.3:
                    web = "www." + web
                elif y < 0.55:
                    web = "http://www." + web
                elif y < 0.75:
                    web = "https://www." + web + "/"
                elif y < 0.85:
                    web = "https://" + web
                if s == "erp":
                    web = web.upper()
            if s == "erp":
                cs = "u"
            elif s == "web":
                cs = r.choice("lttt")
            elif s == "ocr":
                cs = "u" if rr() < 0.4 else "t"
            else:
                cs = "t"
            name, street = case(cs, name), case(cs, street)
            cityname = case(cs, cityname)
            if s == "ocr":
                if rr() < 0.2:
                    name = ocr(r, name)
                if rr() < 0.15:
                    street = ocr(r, street)
                if rr() < 0.15:
                    phone_s = ocr(r, phone_s)
            rec = {"source": s, "name": name, "street": street,
                   "city": cityname, "postcode": pc, "phone": phone_s,
                   "website": web}
            pm = {"crm": (.03, .05, .1), "erp": (.05, .05, .5),
                  "web": (.15, .1, .05), "ocr": (.1, .2, .4)}[s]
            if rr() < pm[0]:
                rec["street"] = None
            if rr() < pm[1]:
                rec["phone"] = None
            if rr() < pm[2]:
                rec["website"] = None
            recs.append(rec)
            owner.append(x)
    names = {}
    for e in ents:
        names[" ".join(e[1])] = names.get(" ".join(e[1]), 0) + 1
    summary = ("%d company records of %d companies (%d US, %d UK, %d DE; "
               "%d moved; %d share their name with another)" % (
                   n, ne, int((country == "US").sum()),
                   int((country == "UK").sum()),
                   int((country == "DE").sum()),
                   sum(e[4] for e in ents),
                   sum(1 for e in ents if names[" ".join(e[1])] > 1)))
    finish(outdir, recs, owner, r, summary)
    return summary


def main():
    a = sys.argv[1:]
    if len(a) in (3, 4) and a[0] in ("person", "company"):
        seed = int(a[3]) if len(a) > 3 else 1
        f = make_person if a[0] == "person" else make_company
        print(f(a[1], int(a[2]), seed))
    else:
        sys.exit(__doc__.split("\n\n")[1])


if __name__ == "__main__":
    main()
