"""Build the Danish and English catalogues from messages.pot and the Danish texts below.

Run from this folder after changing texts in the templates, the web code or the core's messages:
    pybabel extract -F babel.cfg -k _ -k N_ -o messages.pot .. ../../finance ../../population \
        ../../benchmark ../../sustainability ../../cli ../../portfolio ../../services \
        ../../scenario.py  &&  python danish.py
It writes da/LC_MESSAGES/messages.po and .mo (Danish) and en/... (English, the identity).
The core's texts (rule reasons, projection, budget, region and climate notes, the ambitions'
explanations) are English templates marked with
``N_`` (byibalance.messages); their Danish keeps the placeholders, e.g. ``{amount:mio}``.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).parent

# Words the code passes through _() at run time (roles, override and series keys).
DYNAMIC = ["admin", "analyst", "viewer", "income_tax_rate", "fertility_factor", "housing",
           "unit_costs", "ambitions_in", "ambitions_out", "population",
           "population_without_housing", "births", "deaths", "net_migration",
           "housing_migration", "liquidity", "flat", "terraced", "detached",
           "youth", "elderly", "finance", "services", "ambitions", "published", "secondary",
           "derived", "assumption", "missing", "model", "no_change", "ageing",
           "operating_balance", "financing_result", "liquidity_end", "liquidity_average",
           "service_expenditure", "service_ceiling", "operating_expenditure",
           "capital_expenditure", "interest", "new_loans", "repayments", "tax_rate", "ok",
           "warning", "breach", "service_ceiling", "capital_level", "kassekreditreglen",
           "capital", "service",
           "liquidity_target", "borrowing_purpose", "tax_sanction", "structural_balance",
           "weight_social", "weight_economic", "weight_climate", "weight_environment",
           "weight_support"]

DA = {
    "Not available for these years.": "Ikke til rådighed for disse år.",
    "From {a} in {first} to {b} in {last} ({change} %).":
        "Fra {a} i {first} til {b} i {last} ({change} %).",
    "Not available": "Ikke til rådighed",
    "estimate": "skøn",
    "Ambitions": "Ambitioner",
    "The chosen portfolio": "Den valgte portefølje",
    "City in balance": "By i balance",
    "Skip to content": "Spring til indholdet",
    "a city in balance": "en by i balance",
    "Main menu": "Hovedmenu",
    "Overview": "Overblik",
    "Population": "Befolkning",
    "Economy": "Økonomi",
    "Scenarios": "Scenarier",
    "Users": "Brugere",
    "Sign out": "Log ud",
    "Figures marked": "Tal markeret med",
    "estimate or assumption, not a published figure":
        "skøn eller antagelse, ikke et offentliggjort tal",
    "are estimates or assumptions; hover over a value or see the footnotes for its source.":
        "er skøn eller antagelser; hold musen over et tal eller se fodnoterne for kilden.",
    "Budget": "Budget",
    "Rule checks": "Regelkontrol",
    "Rule": "Regel",
    "Year": "År",
    "Result": "Resultat",
    "Reason": "Begrundelse",
    "met": "overholdt",
    "broken": "brudt",
    "Something is wrong": "Noget er galt",
    "Back to the overview": "Tilbage til overblikket",
    "Sign in": "Log ind",
    "Wrong username or password.": "Forkert brugernavn eller adgangskode.",
    "Username": "Brugernavn",
    "Password": "Adgangskode",
    "The city in balance at a glance: the baseline of municipality":
        "Byen i balance på et øjeblik: basisfremskrivningen for kommune",
    "Population on 1 January": "Befolkning 1. januar",
    "persons": "personer",
    "with the housing programme": "med boligprogrammet",
    "without": "uden",
    "Line chart of the population by year": "Kurve over befolkningen år for år",
    "Budget balance and liquidity": "Budgetbalance og likviditet",
    "Budget balance": "Budgetbalance",
    "balance": "balance",
    "Line chart of the budget balance by year": "Kurve over budgetbalancen år for år",
    "Ambitions that fit": "Ambitioner der er råd til",
    "Sustainability": "Bæredygtighed",
    "Notes": "Noter",
    "Show": "Vis",
    "Pyramid": "Befolkningspyramide",
    "men": "mænd",
    "women": "kvinder",
    "Persons by age": "Personer efter alder",
    "Population pyramid": "Befolkningspyramide",
    "Totals with and without the housing programme": "I alt med og uden boligprogrammet",
    "Line chart of totals": "Kurve over befolkningen i alt",
    "Components of change": "Bevægelser",
    "births": "fødte",
    "deaths": "døde",
    "net migration": "nettoflytning",
    "housing": "boliger",
    "Bar chart of the components of change": "Søjlediagram over bevægelserne",
    "Accounts and roles": "Konti og roller",
    "Name": "Navn",
    "Role": "Rolle",
    "Role of": "Rolle for",
    "Change": "Skift",
    "Add a user": "Opret en bruger",
    "Password (at least 10 characters)": "Adgangskode (mindst 10 tegn)",
    "Add": "Opret",
    "Compare scenarios": "Sammenlign scenarier",
    "Scenario": "Scenarie",
    "baseline": "basis",
    "Compare": "Sammenlign",
    "Cells where B differs from A are highlighted; the value shown is B, the difference "
    "B − A below it.":
        "Celler hvor B afviger fra A er fremhævet; tallet er B, forskellen B − A står under.",
    "Comparison table": "Sammenligningstabel",
    "B against A, by year": "B mod A, år for år",
    "Series": "Serie",
    "Nothing to compare yet: the model sections above are not available.":
        "Intet at sammenligne endnu: modeldelene ovenfor er ikke til rådighed.",
    "Edit scenario": "Rediger scenarie",
    "New scenario": "Nyt scenarie",
    "A scenario changes only what you fill in; every empty field keeps the baseline.":
        "Et scenarie ændrer kun det, du udfylder; tomme felter beholder basis.",
    "The scenario was not saved. Correct the fields marked below.":
        "Scenariet blev ikke gemt. Ret de markerede felter nedenfor.",
    "Description": "Beskrivelse",
    "Municipal income tax (percent)": "Kommunal indkomstskat (procent)",
    "e.g. 25.6; empty keeps the baseline": "f.eks. 25,6; tomt beholder basis",
    "Unit costs (one per line: service area = DKK per user per year)":
        "Enhedsomkostninger (én pr. linje: serviceområde = kr. pr. bruger pr. år)",
    "Fertility factor": "Fertilitetsfaktor",
    "multiplies the baseline fertility; 1 keeps it": "ganges på basis-fertiliteten; 1 beholder den",
    "Housing projects (net new dwellings per year)": "Boligprojekter (nye boliger netto pr. år)",
    "Project": "Projekt",
    "Dwellings": "Boliger",
    "Pinned in (comma-separated)": "Låst ind (adskilt med komma)",
    "Pinned out (comma-separated)": "Låst ude (adskilt med komma)",
    "Save and run": "Gem og beregn",
    "Cancel": "Annuller",
    "New scenario from the baseline": "Nyt scenarie ud fra basis",
    "Your scenarios and those shared with you": "Dine scenarier og dem, der er delt med dig",
    "Author": "Forfatter",
    "Changed": "Ændret",
    "read-only": "kun læse",
    "with the baseline": "med basis",
    "No scenarios yet.": "Ingen scenarier endnu.",
    "Upload a scenario (YAML or Excel)": "Upload et scenarie (YAML eller Excel)",
    "The file was not stored:": "Filen blev ikke gemt:",
    "Scenario file (.yaml or .xlsx)": "Scenariefil (.yaml eller .xlsx)",
    "Upload": "Upload",
    "Edit": "Rediger",
    "Compare with the baseline": "Sammenlign med basis",
    "Download YAML": "Hent YAML",
    "Download Excel": "Hent Excel",
    "Overrides": "Ændringer",
    "None: this scenario is the baseline.": "Ingen: scenariet er lig med basis.",
    "Results": "Resultater",
    "Line chart of the scenario's population against the baseline":
        "Kurve over scenariets befolkning mod basis",
    "Line chart of the scenario's budget balance against the baseline":
        "Kurve over scenariets budgetbalance mod basis",
    "Share read-only": "Del (kun læse)",
    "Share": "Del",
    "Shared with": "Delt med",
    "Delete this scenario": "Slet scenariet",
    "admin": "administrator",
    "The council's weights": "Byrådets vægte",
    "weight_social": "social",
    "weight_economic": "økonomisk",
    "weight_climate": "klima",
    "weight_environment": "miljø",
    "weight_support": "borgernes støtte",
    "Recompute": "Beregn igen",
    "See which, and why": "Se hvilke, og hvorfor",
    "{n} of {total} ambitions fit the budget's room with these weights.":
        "{n} af {total} ambitioner er der plads til i budgettet med disse vægte.",
    "The plan was checked against the budget rules.": "Planen er kontrolleret mod budgetreglerne.",
    "Chosen ambitions by start year": "Valgte ambitioner efter startår",
    "Ambition": "Ambition",
    "Start": "Start",
    "Completed": "Færdig",
    "Capital, mio. DKK": "Anlæg, mio. kr.",
    "No ambition fits the room the budget leaves.":
        "Ingen ambition kan rummes i det råderum, budgettet efterlader.",
    "Room per year": "Råderum pr. år",
    "Capital spending and liquidity used by the plan against the room, mio. DKK":
        "Planens anlægsudgifter og likviditetsforbrug mod råderummet, mio. kr.",
    "Capital used": "Anlæg brugt",
    "Capital room": "Råderum til anlæg",
    "Liquidity used": "Likviditet brugt",
    "Liquidity room": "Råderum i likviditet",
    "Notes on the room": "Noter om råderummet",
    "Left out, and why": "Fravalgt, og hvorfor",
    "Ambitions left out, with what it would take to get them in":
        "Fravalgte ambitioner, og hvad der skal til for at få dem med",
    "Money needed, mio. DKK": "Manglende beløb, mio. kr.",
    "The value of one more resident": "Værdien af én borger mere",
    "revenue kept": "indtægt efter udligning",
    "cost of services": "serviceudgift",
    "net": "netto",
    "One more resident, by age (DKK a year)": "Én borger mere efter alder (kr. pr. år)",
    "Line chart of revenue, cost and net of one more resident by age":
        "Kurve over indtægt, udgift og netto for én borger mere efter alder",
    "On average one more resident brings {rev} DKK a year after equalisation and {net} DKK net "
    "of the services they use.":
        "I gennemsnit giver én borger mere {rev} kr. om året efter udligning og {net} kr. netto "
        "efter de services, borgeren bruger.",
    "On 1 January {year}: {men} men and {women} women.":
        "1. januar {year}: {men} mænd og {women} kvinder.",
    "Operating balance and average liquidity": "Driftsresultat og gennemsnitlig likviditet",
    "operating balance": "driftsresultat",
    "average liquidity": "gennemsnitlig likviditet",
    "Line chart of the operating balance and liquidity by year":
        "Kurve over driftsresultat og likviditet år for år",
    "{n} rule checks are not met; the first: {rule} in {year}: {reason}.":
        "{n} regelkontroller er ikke overholdt; den første: {rule} i {year}: {reason}.",
    "Every budget rule is met in every year.": "Alle budgetregler er overholdt i alle år.",
    "Operating balance": "Driftsresultat",
    "Line chart of the operating balance by year": "Kurve over driftsresultatet år for år",
    "Budget table": "Budgettabel",
    "Budget by year (DKK, fixed prices)": "Budget år for år (kr., faste priser)",
    "Line": "Linje",
    "Revenue and equalisation": "Indtægter og udligning",
    "Expenditure by service area": "Udgifter efter serviceområde",
    "The budget rules, year by year, with their reasons":
        "Budgetreglerne år for år med begrundelse",
    "Line chart of the scenario's operating balance against the baseline":
        "Kurve over scenariets driftsresultat mod basis",
    "operating_balance": "driftsresultat",
    "financing_result": "finansieringsresultat",
    "liquidity_end": "likviditet ultimo",
    "liquidity_average": "gennemsnitlig likviditet",
    "service_expenditure": "serviceudgifter",
    "service_ceiling": "serviceramme",
    "operating_expenditure": "driftsudgifter",
    "capital_expenditure": "anlægsudgifter",
    "interest": "renter",
    "new_loans": "nye lån",
    "repayments": "afdrag",
    "tax_rate": "skatteprocent",
    "ok": "overholdt",
    "warning": "advarsel",
    "breach": "brudt",
    "capital_level": "anlægsramme",
    "kassekreditreglen": "kassekreditreglen",
    "liquidity_target": "likviditetsmål",
    "borrowing_purpose": "låneformål",
    "tax_sanction": "skattesanktion",
    "structural_balance": "strukturel balance",
    "The housing programme": "Boligprogrammet",
    "Dwellings completed per year": "Boliger færdige pr. år",
    "dwellings": "boliger",
    "Bar chart of the housing programme by year and project":
        "Søjlediagram over boligprogrammet efter år og projekt",
    "The programme adds {n} dwellings net from {first} to {last}.":
        "Programmet tilføjer {n} boliger netto fra {first} til {last}.",
    "Projects, status and sources": "Projekter, status og kilder",
    "Housing programme": "Boligprogram",
    "Status": "Status",
    "Source": "Kilde",
    "Back-test": "Tilbagetest",
    "Projected from {base} with the data known then, the model missed the {target} population "
    "of {actual} by {err} %.":
        "Fremskrevet fra {base} med de data, man havde dengang, ramte modellen befolkningen i "
        "{target} på {actual} med en fejl på {err} %.",
    "Errors against the observed population (FOLK1B)": "Fejl mod den faktiske befolkning (FOLK1B)",
    "Forecast": "Prognose",
    "Projected": "Fremskrevet",
    "Total error %": "Fejl i alt %",
    "Age-group error % (mean)": "Fejl pr. aldersgruppe % (gennemsnit)",
    "95+ error %": "Fejl 95+ %",
    "published": "offentliggjort",
    "secondary": "sekundær kilde",
    "derived": "afledt",
    "assumption": "antagelse",
    "missing": "mangler",
    "model": "modellen",
    "no_change": "uændret befolkning",
    "ageing": "kun aldring",
    "Type": "Type",
    "flat": "lejlighed",
    "terraced": "rækkehus",
    "detached": "parcelhus",
    "youth": "ungdomsbolig",
    "elderly": "ældrebolig",
    "finance": "økonomi",
    "services": "service",
    "ambitions": "ambitioner",
    "analyst": "analytiker",
    "viewer": "læser",
    "income_tax_rate": "kommunal indkomstskat (%)",
    "fertility_factor": "fertilitetsfaktor",
    "unit_costs": "enhedsomkostninger",
    "ambitions_in": "ambitioner låst ind",
    "ambitions_out": "ambitioner låst ude",
    "population": "befolkning",
    "population_without_housing": "befolkning uden boligprogram",
    "net_migration": "nettoflytning",
    "housing_migration": "tilflytning til nye boliger",
    "liquidity": "likviditet",
    # The Ambitions page: the collective frames as warnings or limits (portfolio modes).
    "The collective frames (capital-spending level, service ceiling)":
        "De kollektive rammer (anlægsramme, serviceramme)",
    "as warnings: shown per year, the plan may go above them":
        "som advarsler: vises år for år, planen må gå over dem",
    "as limits: the plan must stay within them": "som lofter: planen skal holde sig inden for dem",
    "Kassekreditreglen binds each municipality and is always a limit.":
        "Kassekreditreglen binder den enkelte kommune og er altid et loft.",
    "The budget breaks a limit before any ambition":
        "Budgettet bryder en grænse før nogen ambition",
    "In these years the budget without ambitions is already over a limit the plan must keep. "
    "The ambitions may not add to it there: their room is 0.":
        "I disse år er budgettet uden ambitioner allerede over en grænse, som planen skal "
        "overholde. Ambitionerne må ikke lægge mere oven i der: deres råderum er 0.",
    "{rule} in {year}: {amount} mio. DKK over before any ambition":
        "{rule} i {year}: {amount} mio. kr. over før nogen ambition",
    "The collective frames are warnings, not limits: see the warnings below.":
        "De kollektive rammer er advarsler, ikke lofter: se advarslerne nedenfor.",
    "The collective frames are limits.": "De kollektive rammer er lofter.",
    "Warnings: the collective frames": "Advarsler: de kollektive rammer",
    "The capital-spending level (anlægsramme) is a frame for the municipalities together: if "
    "their budgets together exceed it, up to 1 bn DKK of the block grant can be cut for all of "
    "them. One municipality above its share breaks no law, but adds to that risk.":
        "Anlægsrammen er en ramme for kommunerne under ét: budgetterer de tilsammen over den, "
        "kan op til 1 mia. kr. af bloktilskuddet modregnes for dem alle. En kommune over sin "
        "andel bryder ingen lov, men øger den risiko.",
    "The service ceiling (serviceramme) is the municipality's share of the agreed service "
    "level: if the budgets together exceed it, up to 3 bn DKK of the block grant can be cut for "
    "all; if the accounts exceed it, 60 % of the cut falls on the municipalities that "
    "overspent.":
        "Servicerammen er kommunens andel af det aftalte serviceniveau: budgetterer kommunerne "
        "tilsammen over det, kan op til 3 mia. kr. af bloktilskuddet modregnes for alle; "
        "overskrider regnskaberne det, falder 60 % af modregningen på de kommuner, der "
        "overskred.",
    "Above the municipality's share of the collective frames, per year, mio. DKK":
        "Over kommunens andel af de kollektive rammer, pr. år, mio. kr.",
    "Frame": "Ramme",
    "Above the share": "Over andelen",
    "of which the budget without ambitions": "heraf budgettet uden ambitioner",
    "of which the ambitions": "heraf ambitionerne",
    "(a negative capital room: the budget without ambitions is already over its share)":
        "(negativt anlægsråderum: budgettet uden ambitioner er allerede over sin andel)",
}

# The climate, sustainability, capital-region and overview pages and the menu (sorted).
DYNAMIC += ["BASIC", "BASIC+", "incomplete", "Stationary energy", "Transport", "Waste",
            "Industrial processes and product use", "Agriculture, forestry, land use",
            "on_track", "target_met", "at_risk", "off_track", "no_target", "not_assessable",
            "estimated", "not_available", "DKK", "DKK_per_person", "kg_per_person",
            "litres_per_person_per_day", "persons", "share", "tonnes_CO2e",
            "tonnes_CO2e_per_person"]
DA |= {
    "(n) = rank among the 29; * = finance figures are estimates":
        "(n) = placering blandt de 29; * = økonomital er skøn",
    "Agriculture, forestry, land use": "Landbrug, skov og arealanvendelse (AFOLU)",
    "At risk": "I risiko",
    "BASIC": "BASIC",
    "BASIC+": "BASIC+",
    "Capital region": "Hovedstadsregionen",
    "Capital region (K29)": "Hovedstadsregionen (K29)",
    "Chart": "Figur",
    "Climate": "Klima",
    "Climate account": "Klimaregnskabet",
    "DKK": "kr.",
    "DKK_per_person": "kr. pr. indbygger",
    "Council report (PDF)": "Budgetnotat (PDF)",
    "DKK per tonne": "kr. pr. ton",
    "Dimension": "Dimension",
    "Economic": "Økonomisk",
    "Emissions and the path to the targets": "Udledning og vejen mod målene",
    "Emissions by GPC sector": "Udledning efter GPC-sektor",
    "Emissions by sector": "Udledning efter sektor",
    "Environment": "Miljø",
    "In {year} the municipality emitted {total} t CO2e, {per_inhabitant}; the inventory covers "
    "{coverage}.":
        "I {year} udledte kommunen {total} t CO2e, {per_inhabitant}; opgørelsen dækker "
        "{coverage}.",
    "Indicator": "Indikator",
    "Industrial processes and product use": "Industriprocesser og produkter (IPPU)",
    "Inhabitants": "Indbyggere",
    "Key figure": "Nøgletal",
    "Key figures and rank": "Nøgletal og placering",
    "Latest": "Seneste",
    "Latest value, year, status and track against the target":
        "Seneste værdi, år, status og kurs mod målet",
    "Level (t)": "Niveau (t)",
    "Line chart of emissions, baseline and the path to the targets":
        "Linjediagram over udledning, basis og vejen mod målene",
    "Municipality": "Kommune",
    "No climate inventory for this municipality; every sector is missing (NE).":
        "Kommunen har ingen klimaopgørelse; alle sektorer mangler (NE).",
    "No path to the targets: a target or its base year is missing.":
        "Ingen vej mod målene: mål eller basisår mangler.",
    "No wedges: no ambition with a climate effect, or no path to the targets.":
        "Ingen kiler: ingen ambitioner med klimaeffekt eller ingen vej mod målene.",
    "Notes and status": "Noter og status",
    "Off track": "Ude af kurs",
    "On track": "På kurs",
    "Participation": "Borgerinddragelse",
    "Per inhabitant (t)": "Pr. indbygger (t)",
    "Reduction in t CO2e per year and cost per tonne": "Reduktion i t CO2e pr. år og pris pr. ton",
    "Sector": "Sektor",
    "See the account": "Se regnskabet",
    "Social": "Socialt",
    "Stacked area chart: the scenario and each ambition's wedge up to the baseline":
        "Stablet arealdiagram: scenariet og hver ambitions kile op til basis",
    "Stacked bar chart of emissions by sector and year":
        "Stablet søjlediagram over udledning pr. sektor og år",
    "Stationary energy": "Stationær energi",
    "Sustainability account": "Bæredygtighedsregnskabet",
    "Table": "Tabel",
    "Table of sectors": "Tabel over sektorer",
    "Table of wedges": "Tabel over kiler",
    "Target": "Mål",
    "The ambitions' effect (wedges)": "Ambitionernes effekt (kiler)",
    "The climate plan's targets": "Klimaplanens mål",
    "The four dimensions side by side: indicators with a value, and their track against the "
    "target":
        "De fire dimensioner side om side: indikatorer med en værdi, og deres kurs mod målet",
    "The path towards the climate plan's targets": "Vejen mod klimaplanens mål",
    "To reach the targets, emissions must fall to {path} t by {year}, against {baseline} t if "
    "nothing changes; the straight path is an assumption{mark}.":
        "For at nå målene skal udledningen ned til {path} t i {year}, mod {baseline} t hvis "
        "intet ændres; den lige vej er en antagelse{mark}.",
    "Tonnes CO2e per year; NE = not estimated (missing, never zero); * = estimate or derived":
        "Ton CO2e pr. år; NE = ikke opgjort (mangler, aldrig nul); * = skøn eller afledt",
    "Total (t)": "I alt (t)",
    "Track": "Kurs",
    "Transport": "Transport",
    "Value": "Værdi",
    "View": "Opgørelse",
    "Waste": "Affald",
    "Wedges against the baseline": "Kiler mod basis",
    "With a value": "Med værdi",
    "With every ambition, emissions reach {scenario} t in {year} against {baseline} t in the "
    "baseline; the wedges are estimates from the ambitions catalogue{mark}.":
        "Med alle ambitioner når udledningen {scenario} t i {year} mod {baseline} t i basis; "
        "kilerne er skøn fra ambitionskataloget{mark}.",
    "at_risk": "i risiko",
    "baseline (frozen)": "basis (fastfrosset)",
    "estimated": "skønnet",
    "incomplete": "ufuldstændig",
    "influence": "kommunens indflydelse",
    "inventory": "opgjort",
    "kg_per_person": "kg pr. indbygger",
    "litres_per_person_per_day": "liter pr. indbygger pr. dag",
    "no_target": "intet mål",
    "none": "intet",
    "not_assessable": "kan ikke vurderes",
    "not_available": "ikke tilgængelig",
    "off_track": "ude af kurs",
    "on_track": "på kurs",
    "parts": "delvist",
    "per inhabitant missing": "pr. indbygger mangler",
    "scenario": "scenarie",
    "share": "andel",
    "straight path to the targets (assumption)": "lige vej mod målene (antagelse)",
    "target": "mål",
    "target_met": "mål nået",
    "territory (with through-traffic)": "geografisk (med gennemkørende trafik)",
    "tonnes_CO2e": "t CO2e",
    "tonnes_CO2e_per_person": "t CO2e pr. indbygger",
    "total / inhabitants": "total / indbyggere",
    "{known} of {total} indicators have a value; the rest lack data and are shown as missing, "
    "never as zero.":
        "{known} af {total} indikatorer har en værdi; resten mangler data og vises som "
        "manglende, aldrig som nul.",
    "{value} t per inhabitant": "{value} t pr. indbygger",
}

# The core's messages (byibalance.messages): rule reasons (finance/rules.py), projection notes
# (population/inputs.py, api.py), budget notes (finance/budget.py), the capital region's notes
# (benchmark/compare.py) and the climate account's (sustainability/climate.py, cli), sorted.
DA |= {
    "365-day average liquidity {average:mio} is above 0":
        "gennemsnitlig likviditet over 365 dage {average:mio} er over 0",
    "365-day average liquidity {average:mio} is not above 0: a dispensation is needed":
        "gennemsnitlig likviditet over 365 dage {average:mio} er ikke over 0: der skal søges "
        "dispensation",
    "a loan of {amount:mio} for '{purpose}' is not an allowed purpose (allowed: {allowed})":
        "et lån på {amount:mio} til '{purpose}' er ikke et tilladt formål (tilladt: {allowed})",
    "a tax rise costs {cut:mio} of block grant this year":
        "en skattestigning koster {cut:mio} i bloktilskud i år",
    "base population 1 January {year}: FOLK1B 5-year groups (published), graduated to single "
    "ages by {graduation} (estimate)":
        "startbefolkning 1. januar {year}: FOLK1B i 5-årsgrupper (offentliggjort), fordelt på "
        "enkelte aldre med {graduation} (skøn)",
    "baseline without the housing programme (as Statistics Denmark)":
        "basis uden boligprogrammet (som Danmarks Statistik)",
    "calibrated to the observed {year} total {total:,.0f} ({status:word}: {source})":
        "kalibreret til den faktiske befolkning i {year} på {total:,.0f} ({status:word}: "
        "{source})",
    "capital spending {spending:mio} is {excess:mio} above the municipality's share of the "
    "capital level {level:mio}":
        "anlægsudgifter {spending:mio} er {excess:mio} over kommunens andel af anlægsrammen "
        "{level:mio}",
    "capital spending {spending:mio} within the municipality's share of the capital level "
    "{level:mio}":
        "anlægsudgifter {spending:mio} inden for kommunens andel af anlægsrammen {level:mio}",
    "death rates: {province}, {first}-{last} (estimate)":
        "dødshyppigheder: {province}, {first}-{last} (skøn)",
    "housing programme: {projects} projects, {dwellings:,.0f} net dwellings (totals secondary, "
    "yearly schedules assumption)":
        "boligprogram: {projects} projekter, {dwellings:,.0f} boliger netto (totaler fra "
        "sekundær kilde, årlige tidsplaner er antagelser)",
    "local TFR {tfr:.2f}: national ASFR {asfr_year} (published) scaled by the child-woman "
    "ratio {first}-{last} (estimate)":
        "lokal samlet fertilitet (TFR) {tfr:.2f}: landets aldersbetingede fertilitet "
        "{asfr_year} (offentliggjort) skaleret med børn-kvinde-forholdet {first}-{last} (skøn)",
    "migration: net residual {first}-{last}, split into in-migration counts and out-migration "
    "rates (estimate; gross flows are not in the data)":
        "flytninger: nettoresidual {first}-{last}, delt i antal tilflyttere og "
        "fraflytningsrater (skøn; bruttostrømmene findes ikke i data)",
    "no housing programme known: baseline without local plans":
        "intet kendt boligprogram: basis uden lokale planer",
    "no new loans": "ingen nye lån",
    "no tax-rise sanction": "ingen sanktion for skattestigning",
    "operating deficit of {deficit:mio}: revenue does not cover operating spending and interest":
        "driftsunderskud på {deficit:mio}: indtægterne dækker ikke driftsudgifter og renter",
    "over {first}-{last} the operating surplus {covered:mio} covers net capital spending and "
    "repayments {needed:mio}":
        "i {first}-{last} dækker driftsoverskuddet {covered:mio} nettoanlægsudgifter og afdrag "
        "{needed:mio}",
    "over {first}-{last} the operating surplus {covered:mio} does not cover net capital "
    "spending and repayments {needed:mio}":
        "i {first}-{last} dækker driftsoverskuddet {covered:mio} ikke nettoanlægsudgifter og "
        "afdrag {needed:mio}",
    "run from {base}; shown from {first}": "beregnet fra {base}; vist fra {first}",
    "service spending {spending:mio} is {excess:mio} above the ceiling {ceiling:mio}":
        "serviceudgifter {spending:mio} er {excess:mio} over servicerammen {ceiling:mio}",
    "service spending {spending:mio} within the ceiling {ceiling:mio}":
        "serviceudgifter {spending:mio} inden for servicerammen {ceiling:mio}",
    "sex ratio at birth {srb} (assumption); mortality improvement {improvement} a year "
    "(assumption)":
        "drenge pr. pige ved fødsel {srb} (antagelse); fald i dødeligheden {improvement} om "
        "året (antagelse)",
    "the decline term of the need equalisation is not applied in {years}: the population "
    "{span} years earlier is before the projection's first year":
        "udligningens nedgangsled for udgiftsbehov er ikke anvendt i {years}: befolkningen "
        "{span} år før ligger før fremskrivningens første år",
    "year-end liquidity {liquidity:mio} is {shortfall:mio} below the council's target "
    "{target:mio}":
        "likviditet ultimo {liquidity:mio} er {shortfall:mio} under byrådets mål {target:mio}",
    "year-end liquidity {liquidity:mio} meets the council's target {target:mio}":
        "likviditet ultimo {liquidity:mio} opfylder byrådets mål {target:mio}",
    "{count} new loan(s), all for allowed purposes": "{count} nye lån, alle til tilladte formål",
}
DA |= {
    "baseline: the {year} total held constant (frozen, assumption); per inhabitant it still "
    "falls as the population grows":
        "basis: totalen for {year} holdt konstant (fastfrosset, antagelse); pr. indbygger "
        "falder den stadig, når befolkningen vokser",
    "path: straight line from {year} to each target (assumption)":
        "vej: ret linje fra {year} til hvert mål (antagelse)",
    "projected growth: baseline without a local housing programme":
        "fremskrevet vækst: basis uden lokalt boligprogram",
    "projected growth: baseline without a local housing programme, except {codes} whose "
    "housing programme is included":
        "fremskrevet vækst: basis uden lokalt boligprogram, undtagen {codes}, hvis "
        "boligprogram er medregnet",
    "ranks: 1 = highest value among the group (not a judgement of better or worse)":
        "placering: 1 = højeste værdi i gruppen (ikke en vurdering af bedre eller dårligere)",
    "service and finance figures for {estimated} of {total} municipalities rest on national "
    "default parameters (estimate): they have no finance parameter file":
        "service- og økonomital for {estimated} af {total} kommuner bygger på landsdækkende "
        "standardparametre (skøn): de har ingen fil med økonomiparametre",
    "wedges: each ambition with a climate effect, started at its earliest start (assumption "
    "until the optimiser's plan is passed in)":
        "kiler: hver ambition med klimaeffekt, startet ved sin tidligste start (antagelse, "
        "indtil optimeringens plan gives med)",
}

# The ambitions' explanations (portfolio/explain.py), sorted.
DA |= {
    " (best plan without it found within the time limit, not proven)":
        " (bedste plan uden den fundet inden for tidsgrænsen, ikke bevist optimal)",
    " (displacement: best plan found within the time limit, not proven)":
        " (fortrængning: bedste plan fundet inden for tidsgrænsen, ikke bevist optimal)",
    " (the baseline is already over it in {span}, so no ambition may add to it there)":
        " (basis er allerede over den i {span}, så ingen ambition må lægge noget til der)",
    "; it cannot fit even if every other free ambition is dropped":
        "; den kan ikke rummes, selv hvis alle andre frie ambitioner fravælges",
    "a pinned ambition requires it": "en låst ambition kræver den",
    "best start {start}: ": "bedste start {start}: ",
    "chosen by the optimiser": "valgt af optimeringen",
    "it fits but adds no value over the chosen plan":
        "den kan rummes, men tilføjer ingen værdi ud over den valgte plan",
    "it has no positive value under the current weights":
        "den har ingen positiv værdi med de nuværende vægte",
    "its start window {earliest}-{latest} is outside the budget years {first}-{last}":
        "dens startvindue {earliest}-{latest} ligger uden for budgetårene {first}-{last}",
    "pinned in by the scenario": "låst ind af scenariet",
    "pinned out by the scenario": "låst ude af scenariet",
    "the baseline budget already breaks {rule} before any ambition in {span} ({n} years), at "
    "most {amount:,.1f} mio. DKK in {year}; as a hard rule, the ambitions may not add to it "
    "there (their room is 0)":
        "basisbudgettet bryder allerede {rule} før nogen ambition i {span} ({n} år), højst "
        "{amount:,.1f} mio. kr. i {year}; som hård regel må ambitionerne ikke lægge noget til "
        "der (deres råderum er 0)",
    "without it, nothing else would come in; it is worth {loss:,.2f}":
        "uden den ville intet andet komme med; den er {loss:,.2f} værd",
    "without it, {incoming} would come in; it is worth {loss:,.2f} more":
        "uden den ville {incoming} komme med; den er {loss:,.2f} mere værd",
    "{rule} short in {span}, at most {amount:,.1f} mio. DKK in {year}":
        "{rule} mangler i {span}, højst {amount:,.1f} mio. kr. i {year}",
    # the ambitions' details and the room's notes (portfolio/optimise.py, headroom.py)
    "capital": "anlæg",
    "service": "service",
    "'{key}' cannot start in {year}": "'{key}' kan ikke starte i {year}",
    "'{key}' needs '{need}' completed first": "'{key}' kræver, at '{need}' er færdig først",
    "'{first}' or '{second}', not both": "'{first}' eller '{second}', ikke begge",
    "'{key}' is pinned in": "'{key}' er låst med",
    "'{key}' is pinned out": "'{key}' er låst ude",
    "uses {used:,.1f} of {room:,.1f} mio. DKK room":
        "bruger {used:,.1f} af {room:,.1f} mio. kr. råderum",
    "the baseline budget is already over before any ambition; the ambitions may not make it "
    "worse there":
        "grundbudgettet er allerede over før nogen ambition; ambitionerne må ikke gøre det "
        "værre dér",
    "the pins' dependencies cannot be met":
        "de låste ambitioners forudsætninger kan ikke opfyldes",
    "short of room": "mangler råderum",
    "{year}: the baseline budget is already {amount:,.1f} mio. DKK over the {rule:word} limit "
    "before any ambition (as a hard rule: room 0 there)":
        "{year}: grundbudgettet er allerede {amount:,.1f} mio. kr. over grænsen for {rule:word} "
        "før nogen ambition (som fast regel: råderum 0 dér)",
    "the capital-spending level (anlægsramme) is a frame for the municipalities together: if "
    "their budgets together exceed it, up to 1 bn DKK of the block grant can be cut "
    "collectively; one municipality above its share breaks no law but adds to that risk "
    "(finance.rules reports it as a warning)":
        "anlægsrammen er en ramme for kommunerne samlet: overskrider deres budgetter den "
        "tilsammen, kan op til 1 mia. kr. af bloktilskuddet modregnes kollektivt; en kommune "
        "over sin andel bryder ingen lov, men øger den risiko (finance.rules melder det som en "
        "advarsel)",
    "the service ceiling (serviceramme) is the municipality's share of the agreed service "
    "level: if the municipalities' budgets together exceed it, up to 3 bn DKK of the block "
    "grant can be cut collectively; if the accounts exceed it, the cut falls 40 % collectively "
    "and 60 % on the municipalities that overspent":
        "servicerammen er kommunens andel af det aftalte serviceniveau: overskrider kommunernes "
        "budgetter den tilsammen, kan op til 3 mia. kr. af bloktilskuddet modregnes kollektivt; "
        "overskrider regnskaberne den, falder modregningen 40 % kollektivt og 60 % på de "
        "kommuner, der overskred",
    "kassekreditreglen binds each municipality: the average cash over the last 365 days must "
    "be above 0, or a dispensation is needed; the floor above it is the council's own "
    "liquidity target":
        "kassekreditreglen binder hver kommune: den gennemsnitlige kassebeholdning over de "
        "seneste 365 dage skal være over 0, ellers kræves dispensation; gulvet over den er "
        "kommunalbestyrelsens eget likviditetsmål",
    "{rule}: above the municipality's share in {span} ({n} years), at most {over:,.1f} mio. DKK "
    "in {year} (the baseline {baseline:,.1f}, the ambitions {ambitions:,.1f}). A warning, not a "
    "limit: {meaning}":
        "{rule}: over kommunens andel i {span} ({n} år), højst {over:,.1f} mio. kr. i {year} "
        "(basis {baseline:,.1f}, ambitionerne {ambitions:,.1f}). En advarsel, ikke et loft: "
        "{meaning}",
}

EN = {"income_tax_rate": "municipal income tax (%)", "fertility_factor": "fertility factor",
      "unit_costs": "unit costs", "ambitions_in": "ambitions pinned in",
      "ambitions_out": "ambitions pinned out", "population_without_housing":
      "population without the housing programme", "net_migration": "net migration",
      "housing_migration": "moving into new dwellings", "budget_balance": "budget balance"}


# The uncertainty page (routes/uncertainty.py): job states, stages, service areas, budget lines.
DYNAMIC += ["queued", "running", "done", "failed", "population paths",
            "service and budget paths", "daycare_0_2", "daycare_3_5", "school_6_16",
            "elderly_65_79", "elderly_80_plus", "special_needs", "other_services",
            "income_transfers", "debt_end"]
DA |= {
    "Uncertainty": "Usikkerhed",
    "Uncertainty: fans and the chance of breaking the rules":
        "Usikkerhed: vifter og risikoen for at bryde reglerne",
    "A single forecast line hides how wrong it can be. A run draws fertility, mortality, "
    "migration and the timing of housing completions many times and shows the range of "
    "outcomes: the band holds 80 % of the paths (10 % to 90 %), the line is the median.":
        "En enkelt prognoselinje skjuler, hvor meget den kan ramme ved siden af. En kørsel "
        "trækker fertilitet, dødelighed, flytninger og tidspunktet for boligernes "
        "færdiggørelse mange gange og viser spændet af udfald: båndet rummer 80 % af "
        "forløbene (10 % til 90 %), linjen er medianen.",
    "The spreads are estimates": "Spændene er skøn",
    "method": "metode",
    "status": "status",
    "Start a run": "Start en kørsel",
    "Paths": "Forløb",
    "Seed": "Startværdi (seed)",
    "The same paths and seed give the same result; a finished run is reused.":
        "Samme antal forløb og startværdi giver samme resultat; en færdig kørsel genbruges.",
    "Runs": "Kørsler",
    "Runs on this server": "Kørsler på denne server",
    "Run": "Kørsel",
    "Started by": "Startet af",
    "No runs yet.": "Ingen kørsler endnu.",
    "An analyst or administrator starts them.": "En analytiker eller administrator starter dem.",
    "All runs": "Alle kørsler",
    "Progress": "Fremdrift",
    "Reload to see the progress": "Genindlæs for at se fremdriften",
    "The run failed": "Kørslen mislykkedes",
    "queued": "i kø",
    "running": "kører",
    "done": "færdig",
    "failed": "mislykket",
    "population paths": "befolkningsforløb",
    "service and budget paths": "service- og budgetforløb",
    "{paths} paths with seed {seed}, computed in {seconds} s.":
        "{paths} forløb med startværdi {seed}, beregnet på {seconds} s.",
    "Data: {snapshot}.": "Datagrundlag: {snapshot}.",
    "The band holds {band} % of the paths ({lo} % to {hi} %), the line is the median. The "
    "spreads are estimates drawn from distributions fitted to history":
        "Båndet rummer {band} % af forløbene ({lo} % til {hi} %), linjen er medianen. "
        "Spændene er skøn, trukket fra fordelinger tilpasset historikken",
    "Band": "Bånd",
    "{band} % of the paths ({lo} % to {hi} %)": "{band} % af forløbene ({lo} % til {hi} %)",
    "The chance of breaking each budget rule": "Risikoen for at bryde hver budgetregel",
    "Each figure is the share of the paths in which the rule is broken that year.":
        "Hvert tal er andelen af forløbene, hvor reglen er brudt det år.",
    "The chance that average liquidity falls below zero is highest in {year}: {p} %.":
        "Risikoen for, at den gennemsnitlige likviditet falder under nul, er størst i {year}: "
        "{p} %.",
    "Average liquidity stays above zero in every path and year.":
        "Den gennemsnitlige likviditet holder sig over nul i alle forløb og år.",
    "Probability (%) that the rule is broken, by year":
        "Sandsynlighed (%) for at reglen brydes, pr. år",
    "average liquidity below zero": "gennemsnitlig likviditet under nul",
    "Age group": "Aldersgruppe",
    "{band} % band": "{band} %-bånd",
    "median": "median",
    "Fan chart": "Viftediagram",
    "Service demand": "Serviceefterspørgsel",
    "users": "brugere",
    "mio. DKK": "mio. kr.",
    "daycare_0_2": "dagtilbud 0-2 år",
    "daycare_3_5": "dagtilbud 3-5 år",
    "school_6_16": "skole 6-16 år",
    "elderly_65_79": "ældre 65-79 år",
    "elderly_80_plus": "ældre 80 år og derover",
    "special_needs": "specialområdet",
    "other_services": "øvrig service",
    "income_transfers": "indkomstoverførsler",
    "debt_end": "gæld ved årets udgang",
    "How wrong can the forecast be?": "Hvor meget kan prognosen ramme ved siden af?",
    "Uncertainty fans of the population by age group (10/50/90 %)":
        "Usikkerhedsvifter for befolkningen efter aldersgruppe (10/50/90 %)",
    "Uncertainty fans of service demand and the budget, and the chance of each rule being "
    "broken per year":
        "Usikkerhedsvifter for serviceefterspørgsel og budget, og risikoen for at hver regel "
        "brydes pr. år",
}
EN |= {"daycare_0_2": "day care 0-2", "daycare_3_5": "day care 3-5", "school_6_16": "school 6-16",
       "elderly_65_79": "elderly 65-79", "elderly_80_plus": "elderly 80+",
       "special_needs": "special needs", "other_services": "other services",
       "income_transfers": "income transfers", "debt_end": "debt at year end"}


# Background jobs in the database: fans on a scenario, the council report as a job (issue #9).
DYNAMIC += ["report figures", "PDF"]
DA |= {
    "Base": "Grundlag",
    "The baseline": "Basisfremskrivningen",
    "Base: scenario": "Grundlag: scenariet",
    "A scenario's services and finance changes are applied to every path; its population "
    "changes are not (the population fans are the baseline's).":
        "Et scenaries ændringer af service og økonomi lægges på hvert forløb; dets ændringer af "
        "befolkningen gør ikke (befolkningsvifterne er basisfremskrivningens).",
    "Council report": "Budgetnotat",
    "Back to the scenario": "Tilbage til scenariet",
    "The council report (PDF) is made in the background and takes a few seconds; this page "
    "shows when it is ready. A report made for the scenario as it is now is reused.":
        "Budgetnotatet (PDF) laves i baggrunden og tager nogle sekunder; siden viser, når det "
        "er klar. Et notat lavet for scenariet, som det er nu, genbruges.",
    "The council report is ready.": "Budgetnotatet er klar.",
    "Download the council report (PDF)": "Hent budgetnotatet (PDF)",
    "The report failed": "Notatet kunne ikke laves",
    "Make the council report": "Lav budgetnotat",
    "report figures": "notatets tal",
    "PDF": "PDF",
}

# Throttled sign-ins and voting codes (security.py: throttled_message).
DA |= {
    "Too many failed attempts. Try again at {time} (in {minutes} min.).":
        "For mange mislykkede forsøg. Prøv igen kl. {time} (om {minutes} min.).",
}


# Fan sections of the Population and Economy pages, scenario fans with their population (#9).
DA |= {
    "Every path starts from the scenario's population and carries its services and finance "
    "changes.":
        "Hvert forløb starter fra scenariets befolkning og bærer dets ændringer af service og "
        "økonomi.",
    "Uncertainty fans of the baseline from the newest finished run: {paths} paths with seed "
    "{seed}.":
        "Usikkerhedsvifter for basisfremskrivningen fra den nyeste færdige kørsel: {paths} forløb "
        "med startværdi {seed}.",
    "The whole run": "Hele kørslen",
    "An uncertainty run of the baseline is being computed":
        "En usikkerhedskørsel af basisfremskrivningen bliver beregnet",
    "No uncertainty run of the baseline has finished yet.":
        "Ingen usikkerhedskørsel af basisfremskrivningen er færdig endnu.",
    "Start a run ({paths} paths, seed {seed})":
        "Start en kørsel ({paths} forløb, startværdi {seed})",
    "All uncertainty runs and their settings": "Alle usikkerhedskørsler og deres indstillinger",
}


# The projection's notes on gross migration flows and the municipality's own fertility
# (population/inputs.py: FLY66, VAN1AAR, VAN2AAR and FOD407 from a snapshot).
DA |= {
    "local TFR {tfr:.2f}: the municipality's own fertility rates {years} (published: {source}), "
    "mean of the years' TFRs, on the age pattern of the national ASFR {asfr_year} (published)":
        "lokal samlet fertilitet (TFR) {tfr:.2f}: kommunens egne fertilitetskvotienter {years} "
        "(offentliggjort: {source}), gennemsnit af årenes TFR, med aldersmønsteret fra landets "
        "aldersbetingede fertilitet {asfr_year} (offentliggjort)",
    "migration: net residual {first}-{last}, split into in-migration counts and out-migration "
    "rates (estimate; the gross flows ({source}) cover {count} of the window's years "
    "{years_asked}: {years}; at least {needed} are needed)":
        "flytninger: nettoresidual {first}-{last}, delt i antal tilflyttere og fraflytningsrater "
        "(skøn; bruttostrømmene ({source}) dækker {count} af periodens år {years_asked}: "
        "{years}; mindst {needed} er nødvendige)",
    "migration: gross flows {years} (published: {source}), mean yearly in-migration counts and "
    "out-migration rates of the survivors; ages at the move shifted half a year to the age at "
    "year end (derived)":
        "flytninger: bruttostrømme {years} (offentliggjort: {source}), gennemsnitligt antal "
        "tilflyttere om året og fraflytningsrater for de overlevende; alderen ved flytningen er "
        "forskudt et halvt år til alderen ved årets udgang (afledt)",
    "migration check {years}: gross in {incoming:,.0f} less out {outgoing:,.0f} = net "
    "{net:,.0f} a year; the residual net of the same years {residual:,.0f} (difference "
    "{difference:,.0f}: corrections and timing of registrations)":
        "kontrol af flytninger {years}: brutto ind {incoming:,.0f} minus ud {outgoing:,.0f} = "
        "netto {net:,.0f} om året; nettoresidualen for de samme år {residual:,.0f} (forskel "
        "{difference:,.0f}: korrektioner og registreringstidspunkter)",
    "migration: at some ages more moved out than lived there (moves of persons who moved in "
    "and out in one year); the out-migration rate is capped at 1 and {persons:,.0f} moves out "
    "a year are left out":
        "flytninger: i nogle aldre flyttede flere ud, end der boede (personer, der flyttede både "
        "ind og ud i samme år); fraflytningsraten er sat til højst 1, og {persons:,.0f} "
        "fraflytninger om året er udeladt",
}

# Council reports removed after the retention of finished jobs (jobs.py: JobQueue.prune).
DA |= {
    "The council report you asked for is no longer kept: reports are kept for {days} days. "
    "Make it again with the button below.":
        "Budgetnotatet, du bad om, gemmes ikke længere: budgetnotater gemmes i {days} dage. "
        "Lav det igen med knappen nedenfor.",
}


# Errors of scenario input on the workbench form, in uploaded files and on the scenario pages
# (byibalance/scenario.py, web/store.py, web/model.py, routes/scenarios.py, web/i18n.py): the
# place's words, the common problems and their fixes. YAML's own words (keys, true/false, the
# decimal point a file needs) stay as the file must be written.
DA |= {
    "Error (in English): {text}": "Fejl (på engelsk): {text}",
    "line {line}": "linje {line}",
    "field '{field}'": "felt '{field}'",
    "field '{field}' ({label})": "felt '{field}' ({label})",
    "year {year}": "år {year}",
    "Municipal income tax": "Kommunal indkomstskat",
    "Unit costs": "Enhedsomkostninger",
    "Housing projects": "Boligprojekter",
    "Pinned in": "Låst ind",
    "Pinned out": "Låst ude",
    "unknown key '{key}'": "ukendt felt '{key}'",
    "the key '{key}' is missing": "feltet '{key}' mangler",
    "{message} (got {value!r})": "{message} (angivet: {value!r})",
    "{message} (and {more} more problems elsewhere)":
        "{message} (og {more} problemer mere andre steder)",
    "{message} (and {more} more problem elsewhere)":
        "{message} (og {more} problem mere et andet sted)",
    "the unit cost of '{area}' is given twice, {a} under services.unit_costs and {b} under "
    "finance.unit_costs":
        "enhedsomkostningen for '{area}' er angivet to gange, {a} under services.unit_costs og "
        "{b} under finance.unit_costs",
    "regulation 'marginal' needs a marginal share for every area; missing: {areas}":
        "regulering 'marginal' kræver en marginal andel for hvert område; mangler: {areas}",
    "citizens' support for '{id}' is {value}; it is a share from 0 to 1":
        "borgernes opbakning til '{id}' er {value}; den er en andel fra 0 til 1",
    "{ids} pinned both in and out": "{ids} er låst både ind og ude",
    "year {year} is outside the scenario's horizon {first}-{last}":
        "året {year} ligger uden for scenariets periode {first}-{last}",
    "Input should be greater than or equal to {ge}":
        "Værdien skal være større end eller lig med {ge}",
    "Input should be greater than {gt}": "Værdien skal være større end {gt}",
    "Input should be less than or equal to {le}": "Værdien skal være mindre end eller lig med {le}",
    "Input should be less than {lt}": "Værdien skal være mindre end {lt}",
    "Input should be a valid integer, unable to parse string as an integer":
        "Værdien skal være et helt tal; teksten kan ikke læses som et helt tal",
    "Input should be a valid integer, got a number with a fractional part":
        "Værdien skal være et helt tal, men tallet har decimaler",
    "Input should be a valid integer": "Værdien skal være et helt tal",
    "Input should be a valid number, unable to parse string as a number":
        "Værdien skal være et tal; teksten kan ikke læses som et tal",
    "Input should be a valid number": "Værdien skal være et tal",
    "Input should be a valid string": "Værdien skal være tekst",
    "Input should be a valid boolean, unable to interpret input":
        "Værdien skal være true eller false; den kan ikke tolkes",
    "Input should be a valid boolean": "Værdien skal være true eller false",
    "Input should be a valid dictionary": "Værdien skal være en tabel af nøgler og værdier",
    "Input should be a valid list": "Værdien skal være en liste",
    "Input should be a valid tuple": "Værdien skal være en liste",
    "Input should be {choices}": "Værdien skal være {choices}",
    "{first} or {last}": "{first} eller {last}",
    "Use {choices}": "Brug {choices}",
    "Use one of the allowed values": "Brug en af de tilladte værdier",
    "Add the key": "Tilføj feltet",
    "Write a whole number, e.g. 2030": "Skriv et helt tal, fx 2030",
    "Write a number with a decimal point, e.g. 25.6":
        "Skriv et tal med decimalpunktum (som filen kræver), fx 25.6",
    "Write text (in quotes if it looks like a number)":
        "Skriv tekst (i anførselstegn, hvis den ligner et tal)",
    "Write true or false": "Skriv true eller false",
    "Write a mapping of keys to values, e.g. {{2028: 26.1}}":
        "Skriv en tabel af nøgler og værdier, fx {{2028: 26.1}}",
    "Write a mapping of keys to values": "Skriv en tabel af nøgler og værdier",
    "Write a list, e.g. [a, b]": "Skriv en liste, fx [a, b]",
    "Use a year from {first} to {last}, or widen the scenario's start/end":
        "Brug et år fra {first} til {last}, eller udvid scenariets start/end",
    "Give the share of votes in favour, from 0 to 1": "Angiv andelen af stemmer for, fra 0 til 1",
    "Give each area its share (0-1) under services.marginal_share (no national default exists), "
    "or use regulation: full":
        "Giv hvert område sin andel (0-1) under services.marginal_share (der findes ingen "
        "landsdækkende standard), eller brug regulation: full",
    "Keep each ambition in pinned_in or in pinned_out, not both":
        "Sæt hver ambition i pinned_in eller i pinned_out, ikke i begge",
    "Keep the unit cost under services.unit_costs only":
        "Angiv kun enhedsomkostningen under services.unit_costs",
    "Use a value at or above {ge} (see {docs})": "Brug en værdi på {ge} eller derover (se {docs})",
    "Use a value above {gt} (see {docs})": "Brug en værdi over {gt} (se {docs})",
    "Use a value at or below {le} (see {docs})": "Brug en værdi på {le} eller derunder (se {docs})",
    "Use a value below {lt} (see {docs})": "Brug en værdi under {lt} (se {docs})",
    "Remove the key or correct its spelling: see {docs}":
        "Fjern feltet, eller ret stavningen: se {docs}",
    "Remove the key or correct its spelling: did you mean '{close}'? the keys here are {keys}":
        "Fjern feltet, eller ret stavningen: mente du '{close}'? felterne her er {keys}",
    "Remove the key or correct its spelling: the keys here are {keys}":
        "Fjern feltet, eller ret stavningen: felterne her er {keys}",
    "Correct the value (see {docs})": "Ret værdien (se {docs})",
    "a scenario must be a mapping of keys to values":
        "et scenarie skal være en tabel af nøgler og værdier",
    "start the file with keys such as 'name:' and 'population:'":
        "begynd filen med felter som 'name:' og 'population:'",
    "not valid YAML: {problem}": "ikke gyldig YAML (YAML-læserens besked: {problem})",
    "check the indentation and quoting around this line":
        "tjek indrykningen og anførselstegnene omkring denne linje",
    "the file is not valid YAML ({problem})":
        "filen er ikke gyldig YAML (YAML-læserens besked: {problem})",
    "check the indentation and the colons on that line":
        "tjek indrykningen og kolonerne på den linje",
    "the file does not hold a scenario (a mapping with at least 'name')":
        "filen indeholder ikke et scenarie (en tabel med mindst 'name')",
    "start from a scenario downloaded from the workbench":
        "tag udgangspunkt i et scenarie hentet fra scenarieværkstedet",
    "municipality {code!r} is not one of the 98 Danish municipalities":
        "kommunen {code!r} er ikke en af de 98 danske kommuner",
    "Use the code of a Danish municipality, e.g. 165 for Albertslund":
        "Brug koden for en dansk kommune, fx 165 for Albertslund",
    "there is no scenario {id} that you may see": "der er intet scenarie {id}, som du må se",
    "choose a scenario from the list": "vælg et scenarie fra listen",
    "this scenario is shared with you read-only": "dette scenarie er kun delt med dig til læsning",
    "make a copy to change it": "lav en kopi for at ændre det",
    "Correct it": "Ret det",
    "{fix}. The scenario was stored before this was checked and is kept as it is: download its "
    "YAML ({url}), correct it and upload it again":
        "{fix}. Scenariet blev gemt, før dette blev kontrolleret, og bevares, som det er: hent "
        "dets YAML ({url}), ret den, og upload den igen",
    "there is no user '{name}'": "der er ingen bruger '{name}'",
    "check the username": "tjek brugernavnet",
    "{rate:g} is not a tax rate in percent (0-100)": "{rate:g} er ikke en skatteprocent (0-100)",
    "'{item}' is not 'year: percent'; write e.g. 2028: 26.1; 2030: 26.5":
        "'{item}' er ikke 'år: procent'; skriv fx 2028: 26,1; 2030: 26,5",
    "'{raw}' is not a whole number": "'{raw}' er ikke et helt tal",
    "'{raw}' is not a number": "'{raw}' er ikke et tal",
    "give the project a name with letters or digits":
        "giv projektet et navn med bogstaver eller cifre",
    "give the year the dwellings are completed": "angiv det år, boligerne står færdige",
    "give the number of dwellings, 0 or more": "angiv antallet af boliger, 0 eller flere",
    "choose one of {types}": "vælg en af {types}",
    "give the scenario a name": "giv scenariet et navn",
    "line {n}: write 'service area = DKK per user per year'":
        "linje {n}: skriv 'serviceområde = kr. pr. bruger pr. år'",
    "line {n}: the unit cost of '{area}' is negative":
        "linje {n}: enhedsomkostningen for '{area}' er negativ",
    "pinned both in and out: {ids}": "låst både ind og ude: {ids}",
    "{path}: {message}. {fix}": "{path}: {message}. {fix}",
    "scenario: {message}. {fix}": "scenarie: {message}. {fix}",
    "sheet '{sheet}', cell {cell}: {problem}": "ark '{sheet}', celle {cell}: {problem}",
    "the file is not an Excel workbook ({kind})": "filen er ikke en Excel-projektmappe ({kind})",
    "upload the .xlsx the workbench downloads, or a .yaml scenario":
        "upload den .xlsx-fil, som scenarieværkstedet henter, eller et .yaml-scenarie",
    "the workbook has no sheet '{sheet}'": "projektmappen har intet ark '{sheet}'",
    "start from a workbook downloaded from the workbench":
        "tag udgangspunkt i en projektmappe hentet fra scenarieværkstedet",
    "not a YAML value ({problem})": "ikke en YAML-værdi (YAML-læserens besked: {problem})",
    "write a number, a list [a, b] or a mapping {{2028: 26.1}}":
        "skriv et tal, en liste [a, b] eller en tabel {{2028: 26.1}}",
    "unknown field '{key}'": "ukendt felt '{key}'",
    "use {fields} or section.key with a section of {sections} (see {docs})":
        "brug {fields} eller afsnit.felt med et af afsnittene {sections} (se {docs})",
    "the sheet '{sheet}' gives the scenario no name":
        "arket '{sheet}' giver ikke scenariet et navn",
    "add a row 'name' with the scenario's name": "tilføj en række 'name' med scenariets navn",
    "'{ref}' is not a scenario": "'{ref}' er ikke et scenarie",
    "choose 'baseline' or a scenario id": "vælg 'baseline' eller et scenarie-id",
    "no file was chosen": "der er ikke valgt nogen fil",
    "choose a .yaml file to upload": "vælg en .yaml-fil at uploade",
    "the file is larger than {kib} KiB": "filen er større end {kib} KiB",
    "upload a scenario file, not a data set": "upload en scenariefil, ikke et datasæt",
    "'{name}' is not a scenario file ({kinds})": "'{name}' er ikke en scenariefil ({kinds})",
    "upload the scenario's YAML file or the Excel workbook the workbench downloads":
        "upload scenariets YAML-fil eller den Excel-projektmappe, som scenarieværkstedet henter",
    "the file is not UTF-8 text": "filen er ikke UTF-8-tekst",
    "save it as UTF-8 YAML": "gem den som UTF-8-YAML",
    "unknown service area '{name}'; use one of: {areas}":
        "ukendt serviceområde '{name}'; brug et af: {areas}",
    "'{name}' is {value!r}; a share lies between 0 and 1":
        "'{name}' er {value!r}; en andel ligger mellem 0 og 1",
    "'{name}' is {value!r}; it cannot be negative":
        "'{name}' er {value!r}; den kan ikke være negativ",
}

# The remaining errors on the pages: the finance model's own checks of a scenario and of its
# parameters (finance/), the population, ambitions, climate and uncertainty pages' parameters,
# a request's invalid parameter (web/i18n.py) and a sheet's row. Parameter names, keys and YAML
# examples stay as they must be written (frames=warning, social, 25.6).
DA |= {
    "row {line}": "række {line}",
    "{field}: {message}": "{field}: {message}",
    "{first}; {rest}": "{first}; {rest}",
    "String should match pattern '{pattern}'": "Teksten skal passe til mønsteret '{pattern}'",
    "unit '{unit}' is wrong for {what}; use {units}":
        "enheden '{unit}' passer ikke til {what}; brug {units}",
    "a tax rate": "en skatteprocent",
    "land tax": "grundskyld",
    "an amount of money": "et pengebeløb",
    "money": "penge",
    "a target": "et mål",
    "{value} is not a tax rate; give percent (e.g. 25.6) or {{value: 0.256, unit: share}}":
        "{value} er ikke en skatteprocent; angiv procent (fx 25.6) eller "
        "{{value: 0.256, unit: share}}",
    "{per_mille} per mille is outside 0-34, the legal range":
        "{per_mille} promille ligger uden for 0-34, det lovlige interval",
    "the price index for {year} is {index}; it must be positive":
        "prisindekset for {year} er {index}; det skal være positivt",
    "year {year} is outside the budget {first}-{last}":
        "året {year} ligger uden for budgettet {first}-{last}",
    "choose a budget year inside the horizon": "vælg et budgetår inden for perioden",
    "age group '{key}' in '{name}' is not written 'lo-hi'":
        "aldersgruppen '{key}' i '{name}' er ikke skrevet 'lo-hi' (fra-til)",
    'write age groups as e.g. "25-64"': 'skriv aldersgrupper som fx "25-64"',
    "'{name}' is {value!r}; a number is needed": "'{name}' er {value!r}; der skal stå et tal",
    "give a plain number in the parameter file": "angiv et almindeligt tal i parameterfilen",
    "'{name}' does not cover every age 0-100": "'{name}' dækker ikke alle aldre 0-100",
    "give age groups that together cover 0-100":
        "angiv aldersgrupper, der tilsammen dækker 0-100",
    "the budget years {first}-{last} are not inside the projection {start}-{end}":
        "budgetårene {first}-{last} ligger ikke inden for fremskrivningen {start}-{end}",
    "project the population over the budget horizon (to 2040)":
        "fremskriv befolkningen over hele budgetperioden (til 2040)",
    "the price index has no value for {year}": "prisindekset har ingen værdi for {year}",
    "the price index has no value for {year} (and {more} more years)":
        "prisindekset har ingen værdi for {year} (og {more} år mere)",
    "give an index for every budget year {first}-{last}":
        "angiv et indeks for hvert budgetår {first}-{last}",
    "unknown budget line '{line}'": "ukendt budgetlinje '{line}'",
    "use one of: {lines}": "brug en af: {lines}",
    "the projection of {code} would start in {first}, not before the end {end}":
        "fremskrivningen for {code} ville starte i {first}, ikke før slutåret {end}",
    "Choose an end year after {first}": "Vælg et slutår efter {first}",
    "year {year} is outside the projection {first}-{last}":
        "året {year} ligger uden for fremskrivningen {first}-{last}",
    "choose a year from {first} to {last}": "vælg et år fra {first} til {last}",
    "the weight of {name} '{text}' is not a number": "vægten for {name} '{text}' er ikke et tal",
    "use a number of 0 or more, e.g. 1 or 2,5": "brug et tal på 0 eller mere, fx 1 eller 2,5",
    "the frames' mode '{frames}' is not known": "rammernes tilstand '{frames}' kendes ikke",
    "use frames=warning (reported per year) or frames=hard (a limit)":
        "brug frames=warning (advarsler pr. år) eller frames=hard (et loft)",
    "the weight of {name} is negative ({value})": "vægten for {name} er negativ ({value})",
    "use weights of 0 or more": "brug vægte på 0 eller mere",
    "all four dimension weights are 0": "alle fire dimensioners vægte er 0",
    "give at least one of social, economic, climate, environment a positive weight":
        "giv mindst én af social, economic, climate, environment en positiv vægt",
    "unknown climate view {value!r}": "ukendt klimaopgørelse {value!r}",
    "Use {choices} ({allowed})": "Brug {choices} ({allowed})",
    "no such run: it may have been removed; start it again":
        "kørslen findes ikke: den kan være fjernet; start den igen",
    "no fan section on '{part}'; use population or economy":
        "ingen vifter på '{part}'; brug population eller economy",
    "the uncertainty run of {code} would start in {first}, not before the scenario's end {end}":
        "usikkerhedskørslen for {code} ville starte i {first}, ikke før scenariets slutår {end}",
    "Choose an end year after {first} in the scenario": "Vælg et slutår efter {first} i scenariet",
    "paths": "forløb",
    "seed": "startværdi",
    "band": "bånd",
    "{name:word} must be a whole number from {lo!r} to {hi!r}":
        "{name:word} skal være et helt tal fra {lo!r} til {hi!r}",
    "{name:word} {number!r} is outside {lo!r}..{hi!r}; choose a number from {lo!r} to {hi!r}":
        "{name:word} {number!r} ligger uden for {lo!r}..{hi!r}; vælg et tal fra {lo!r} til {hi!r}",
    "band {band} is not offered; choose one of {bands}":
        "båndet {band} tilbydes ikke; vælg et af {bands}",
    "scenario {base} is not one you may read; choose one from the list":
        "scenariet {base} er ikke et, du må læse; vælg et fra listen",
    "there is no user {id}": "der er ingen bruger {id}",
}

# The housing assumptions' notes where a municipality's own persons per dwelling come from a
# snapshot of Statistics Denmark downloads (BOL106); {type:word} is flat, terraced or detached.
DA |= {
    "persons per new dwelling, {type:word}: {value:.2f} ({status:word}: {source})":
        "personer pr. ny bolig, {type:word}: {value:.2f} ({status:word}: {source})",
    "persons per dwelling of the existing stock (emptied or re-let): {value:.2f} "
    "({status:word}: {source})":
        "personer pr. bolig i den eksisterende boligmasse (tømt eller genudlejet): {value:.2f} "
        "({status:word}: {source})",
}


# Why a page's budget section is missing: the budget could not be computed from the scenario's
# inputs; {error} is the finance model's error, itself in the page's language.
DA |= {
    "the budget could not be computed: {error}": "budgettet kunne ikke beregnes: {error}",
}


# The data page (web/routes/data.py, data.html): the snapshots of Statistics Denmark tables, the
# one in use, and what the model does with each table (statbank.MODEL_USE, passed through _()).
DYNAMIC += [
    "storing the snapshot",
    "stored, not used",
    "unknown (not downloaded any more)",
    "stored, not used: births, deaths and moves per municipality, a check on the components "
    "(its layout is still to confirm online)",
    "used: fertility_asfr (the national ASFR the projection scales to each municipality)",
    "used: fertility_municipal (the municipality's own fertility level in place of the "
    "child-woman-ratio estimate)",
    "used: migration_flows (gross in- and out-migration by sex and age, in place of the net "
    "residual)",
    "used: mortality_province (deaths by province; years after 2019 also need FOLK1A's four "
    "quarters for every municipality, for the person-years)",
    "used: persons_per_dwelling (the municipality's own persons per dwelling of flats, terraced "
    "and detached houses and all dwellings, in place of the national 2020 values of the housing "
    "assumptions)",
    "used: population_age5, population_single_age and observed_totals (the projection starts "
    "from the newest 1 January)",
    "used: tax_rates (income and land tax of the budget, for municipalities without their own "
    "finance file)",
]
DA |= {
    "Data": "Data",
    "The figures come from Statistics Denmark: either the data built into byibalance or a "
    "snapshot of tables downloaded from StatBank. Here you see the snapshots, the one in use, "
    "and what the model does with each table.":
        "Tallene kommer fra Danmarks Statistik: enten de data, der er indbygget i byibalance, "
        "eller et øjebliksbillede af tabeller hentet fra Statistikbanken. Her ser du "
        "øjebliksbillederne, det der er i brug, og hvad modellen gør med hver tabel.",
    "The data in use cannot be read:": "De data, der er i brug, kan ikke læses:",
    "In use:": "I brug:",
    "the embedded data": "de indbyggede data",
    "The embedded data": "De indbyggede data",
    "pinned": "fastlåst",
    "the newest snapshot": "det nyeste øjebliksbillede",
    "Snapshots of Statistics Denmark tables, newest first; the embedded data last":
        "Øjebliksbilleder af tabeller fra Danmarks Statistik, nyeste først; de indbyggede data "
        "sidst",
    "Snapshot": "Øjebliksbillede",
    "Created": "Oprettet",
    "Tables": "Tabeller",
    "Municipalities": "Kommuner",
    "Periods": "Perioder",
    "In use": "I brug",
    "built in": "indbygget",
    "All Denmark": "Hele landet",
    "national figures only": "kun tal for hele landet",
    "in use": "i brug",
    "Data to use": "Data, der skal bruges",
    "the newest snapshot, always": "altid det nyeste øjebliksbillede",
    "Use these data": "Brug disse data",
    "Every page uses the chosen data from its next view on.":
        "Alle sider bruger de valgte data, næste gang de vises.",
    "The files of the embedded data (see docs/data.md)":
        "Filerne i de indbyggede data (se docs/data.md)",
    "File": "Fil",
    "Title": "Titel",
    "Period": "Periode",
    "Rows": "Rækker",
    "Each table: where it comes from and what the model does with it":
        "Hver tabel: hvor den kommer fra, og hvad modellen gør med den",
    "Retrieved": "Hentet",
    "Layout source": "Kilde til tabellens opbygning",
    "What the model does with it": "Hvad modellen gør med den",
    "Files and rows": "Filer og rækker",
    "carried over from": "overført fra",
    "there is no snapshot '{name}'; choose one from the list of snapshots":
        "der er intet øjebliksbillede '{name}'; vælg et fra listen over øjebliksbilleder",
    "choose one of {names}": "vælg et af {names}",
    "stored, not used": "gemt, ikke brugt",
    "unknown (not downloaded any more)": "ukendt (hentes ikke længere)",
    "stored, not used: births, deaths and moves per municipality, a check on the components "
    "(its layout is still to confirm online)":
        "gemt, ikke brugt: fødsler, dødsfald og flytninger pr. kommune, en kontrol af "
        "komponenterne (tabellens opbygning skal stadig bekræftes online)",
    "used: fertility_asfr (the national ASFR the projection scales to each municipality)":
        "bruges: fertility_asfr (landets aldersbetingede fertilitet, som fremskrivningen "
        "skalerer til hver kommune)",
    "used: fertility_municipal (the municipality's own fertility level in place of the "
    "child-woman-ratio estimate)":
        "bruges: fertility_municipal (kommunens egen fertilitet i stedet for skønnet ud fra "
        "forholdet mellem børn og kvinder)",
    "used: migration_flows (gross in- and out-migration by sex and age, in place of the net "
    "residual)":
        "bruges: migration_flows (til- og fraflytning brutto efter køn og alder i stedet for "
        "nettoresten)",
    "used: mortality_province (deaths by province; years after 2019 also need FOLK1A's four "
    "quarters for every municipality, for the person-years)":
        "bruges: mortality_province (dødsfald pr. landsdel; år efter 2019 kræver også FOLK1A's "
        "fire kvartaler for alle kommuner til personårene)",
    "used: persons_per_dwelling (the municipality's own persons per dwelling of flats, terraced "
    "and detached houses and all dwellings, in place of the national 2020 values of the housing "
    "assumptions)":
        "bruges: persons_per_dwelling (kommunens eget antal personer pr. bolig i etageboliger, "
        "rækkehuse, parcelhuse og alle boliger i stedet for boligforudsætningernes landstal "
        "fra 2020)",
    "used: population_age5, population_single_age and observed_totals (the projection starts "
    "from the newest 1 January)":
        "bruges: population_age5, population_single_age og observed_totals (fremskrivningen "
        "starter fra den nyeste 1. januar)",
    "used: tax_rates (income and land tax of the budget, for municipalities without their own "
    "finance file)":
        "bruges: tax_rates (budgettets indkomstskat og grundskyld for kommuner uden egen "
        "økonomifil)",
    "Download fresh data from Statistics Denmark": "Hent nye data fra Danmarks Statistik",
    "The tables are downloaded and checked in the background and stored as a new snapshot; "
    "nothing is stored unless every table passes its checks. Without a pin, every page then uses "
    "the new snapshot.":
        "Tabellerne hentes og kontrolleres i baggrunden og gemmes som et nyt øjebliksbillede; "
        "intet gemmes, medmindre alle tabeller består kontrollen. Uden en fastlåsning bruger "
        "alle sider derefter det nye øjebliksbillede.",
    "Municipalities (codes or names separated by commas, k29 or all)":
        "Kommuner (koder eller navne adskilt af komma, k29 eller all)",
    "Download": "Hent",
    "Back to the data": "Tilbage til data",
    "The new snapshot is stored:": "Det nye øjebliksbillede er gemt:",
    "The download failed; the data in use are unchanged":
        "Hentningen mislykkedes; de data, der er i brug, er uændrede",
    "storing the snapshot": "gemmer øjebliksbilledet",
    "give municipality codes or names separated by commas, k29 or all":
        "angiv kommunekoder eller -navne adskilt af komma, k29 eller all",
    "no municipality given": "ingen kommune angivet",
    "'{value}' is not one of the 98 Danish municipalities":
        "'{value}' er ikke en af de 98 danske kommuner",
    "choose tables from the list": "vælg tabeller fra listen",
    "no table chosen": "ingen tabel valgt",
    "there is no StatBank table '{name}' to download":
        "der er ingen tabel '{name}' i Statistikbanken at hente",
}


def build(lang: str, texts: dict[str, str], identity: bool) -> list[str]:
    """Write the catalogue of ``lang``; returns the message ids without a translation."""
    with open(HERE / "messages.pot", "rb") as f:
        template = read_po(f)
    catalog = Catalog(locale=lang, project="byibalance", fuzzy=False)
    ids = [str(m.id) for m in template if m.id] + DYNAMIC
    untranslated = []
    for msgid in dict.fromkeys(ids):
        text = texts.get(msgid) or (msgid if identity else "")
        if not text:
            untranslated.append(msgid)
        catalog.add(msgid, text)
    folder = HERE / lang / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "messages.po", "wb") as f:
        write_po(f, catalog, width=100)
    with open(folder / "messages.mo", "wb") as f:
        write_mo(f, catalog)
    return untranslated


if __name__ == "__main__":
    missing = build("da", DA, identity=False)
    build("en", EN, identity=True)
    if missing:
        raise SystemExit(f"no Danish text for: {missing}")
