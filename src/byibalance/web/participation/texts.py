"""Danish texts of the participation pages (message ids are English, as in the app's catalogue).

Kept beside the resource so the participation pages can grow without editing the shared
catalogue; :func:`gettext_for` looks here first and then in the app's catalogue. A test checks
that every text in the participation templates has a Danish translation.
"""

from __future__ import annotations

from collections.abc import Callable

from byibalance.web.i18n import gettext_for as app_gettext_for

DA: dict[str, str] = {
    "12 letters and digits, e.g. ABCD-EFGH-JKMN": "12 bogstaver og tal, fx ABCD-EFGH-JKMN",
    "A test double of MitID: never enabled in production.":
        "En testudgave af MitID: slås aldrig til i drift.",
    "Accept for the ballot": "Godkend til stemmesedlen",
    "Ambition id (optional)": "Ambitions-id (valgfrit)",
    "Attachment (optional: PDF, PNG, JPEG or text, at most 2 MiB)":
        "Bilag (valgfrit: PDF, PNG, JPEG eller tekst, højst 2 MiB)",
    "Ballot type": "Stemmeform",
    "Ballot": "Stemmeseddel",
    "Ballots": "Stemmesedler",
    "Budget in kroner": "Budget i kroner",
    "Budget": "Budget",
    "Cast ballot": "Afgiv stemme",
    "Choose the projects you want": "Vælg de projekter, du ønsker",
    "Choose the projects you want, for at most the budget":
        "Vælg de projekter, du ønsker, for højst budgettet",
    "Citizens' budget": "Borgerbudget",
    "Close voting, count and publish": "Luk afstemningen, optæl og offentliggør",
    "Comment": "Kommentér",
    "Comments": "Kommentarer",
    "Continue to the ballot": "Videre til stemmesedlen",
    "Cost": "Pris",
    "Counted with": "Optalt med",
    "Counting rule": "Optællingsregel",
    "Create": "Opret",
    "Description": "Beskrivelse",
    "Distribute your points among the projects; points in total at most":
        "Fordel dine point mellem projekterne; point i alt højst",
    "District (optional)": "Bydel (valgfrit)",
    "District budgets (optional, one 'district = amount' per line)":
        "Bydelsbudgetter (valgfrit, én 'bydel = beløb' pr. linje)",
    "Download the anonymised ballots (Pabulib .pb) to recount":
        "Hent de anonymiserede stemmesedler (Pabulib .pb) og tæl selv efter",
    "Download the data stored about you": "Hent de oplysninger, der er gemt om dig",
    "District": "Bydel",
    "Duplicate of proposal number": "Dublet af forslag nummer",
    "Each district was counted on its own, with its own budget and the votes on its projects; "
    "projects without a district were counted for the whole city with the rest of the budget.":
        "Hver bydel blev talt op for sig, med sit eget budget og stemmerne på sine projekter; "
        "projekter uden bydel blev talt op for hele byen med resten af budgettet.",
    "E-mail (optional, only if you want replies)": "E-mail (valgfri, kun hvis du vil have svar)",
    "Every project and why it was or was not funded":
        "Alle projekter, og hvorfor de fik eller ikke fik penge",
    "Explanation": "Forklaring",
    "Funded projects per voter on average": "Projekter med penge pr. vælger i gennemsnit",
    "Funded": "Får penge",
    "Funded projects": "Projekter med penge",
    "Generate and download (CSV)": "Dan og hent (CSV)",
    "Hearing deadline (UTC)": "Høringsfrist (UTC)",
    "Hearing deadline": "Høringsfrist",
    "Hearing": "Høring",
    "Hidden by the moderators": "Skjult af moderatorerne",
    "Hide": "Skjul",
    "Identify": "Identificér",
    "Make a proposal": "Kom med et forslag",
    "Merge": "Flet",
    "Merged into another proposal": "Flettet ind i et andet forslag",
    "Most projects per ballot (optional)": "Flest projekter pr. stemmeseddel (valgfrit)",
    "Municipality code": "Kommunekode",
    "New citizens' budget": "Nyt borgerbudget",
    "New hearing": "Ny høring",
    "Next phase": "Næste fase",
    "No comments yet.": "Ingen kommentarer endnu.",
    "No proposals yet.": "Ingen forslag endnu.",
    "No responses yet.": "Ingen høringssvar endnu.",
    "None yet.": "Ingen endnu.",
    "Note": "Note",
    "Or identify with MitID": "Eller identificér dig med MitID",
    "Organisation (if you answer for one)": "Organisation (hvis du svarer for en)",
    "Participation": "Borgerinddragelse",
    "Points per voter (points ballots)": "Point pr. vælger (pointstemmer)",
    "Project": "Projekt",
    "Projects on the ballot": "Projekter på stemmesedlen",
    "Projects": "Projekter",
    "Proposals": "Forslag",
    "Propose ideas for the citizens' budget, vote on the projects, and answer the council's "
    "hearings.": "Kom med idéer til borgerbudgettet, stem på projekterne, og svar på "
                 "kommunalbestyrelsens høringer.",
    "Quotes": "Citater",
    "Reason for hiding": "Begrundelse for at skjule",
    "Reject": "Afvis",
    "Responses per topic": "Høringssvar pr. emne",
    "Responses": "Høringssvar",
    "Result": "Resultat",
    "Result per district": "Resultat pr. bydel",
    "Review": "Vurdering",
    "Reviewed cost": "Vurderet pris",
    "Rough cost in kroner": "Anslået pris i kroner",
    "Rough cost": "Anslået pris",
    "Save topics": "Gem emner",
    "See the result": "Se resultatet",
    "Send response": "Send høringssvar",
    "Share of the budget spent": "Andel af budgettet brugt",
    "Spent": "Brugt",
    "Statistics": "Statistik",
    "Submit proposal": "Indsend forslag",
    "Summary for the council": "Sammenfatning til kommunalbestyrelsen",
    "Support this proposal": "Støt forslaget",
    "Take part": "Deltag",
    "Test identification": "Testidentifikation",
    "Test person": "Testperson",
    "Thank you": "Tak",
    "The ballot was not stored": "Stemmesedlen blev ikke gemt",
    "The citizens' page": "Borgernes side",
    "The citizens' pages": "Borgernes sider",
    "The document": "Dokumentet",
    "The hearing is closed.": "Høringen er lukket.",
    "The projects are listed in random order.": "Projekterne står i tilfældig rækkefølge.",
    "There is nothing to take part in right now.": "Der er ikke noget at deltage i lige nu.",
    "Title": "Titel",
    "Topic": "Emne",
    "Topics (comma-separated)": "Emner (adskilt med komma)",
    "Valid until (UTC, optional)": "Gyldig til (UTC, valgfrit)",
    "Vote": "Stem",
    "Voters": "Vælgere",
    "Voters with no funded project on their ballot":
        "Vælgere uden et projekt med penge på deres stemmeseddel",
    "Votes": "Stemmer",
    "Voting closes (UTC)": "Afstemningen lukker (UTC)",
    "Voting code from your letter": "Stemmekode fra dit brev",
    "Voting codes to generate": "Antal stemmekoder",
    "Your ballot is stored.": "Din stemme er gemt.",
    "Your ballot was changed. The last ballot counts.":
        "Din stemme er ændret. Den sidste stemme tæller.",
    "Your comment": "Din kommentar",
    "Your data is deleted": "Dine oplysninger er slettet",
    "Your name as shown to others": "Dit navn, som andre ser det",
    "Your name, e-mail, supports, comments, responses and proposals not yet on a ballot are "
    "deleted. Ballots never carried your name.":
        "Dit navn, din e-mail, dine støtter, kommentarer, høringssvar og forslag, der ikke er "
        "kommet på en stemmeseddel, er slettet. Stemmesedler har aldrig båret dit navn.",
    "Your response is received and will be summarised for the council.":
        "Dit høringssvar er modtaget og bliver sammenfattet til kommunalbestyrelsen.",
    "Your response": "Dit høringssvar",
    "Your vote is secret: the ballot is stored without your name. You can change it until the "
    "voting closes; the last ballot counts.":
        "Din stemme er hemmelig: stemmesedlen gemmes uden dit navn. Du kan ændre den, indtil "
        "afstemningen lukker; den sidste stemme tæller.",
    "ambition": "ambition",
    "at most": "højst",
    "city-wide": "hele byen",
    "deleted": "slettet",
    "each supporter paid at most": "hver støtte betalte højst",
    "from organisations": "fra organisationer",
    "funded in round": "fik penge i runde",
    "no": "nej",
    "of": "af",
    "phase": "fase",
    "projects funded for": "projekter får penge for",
    "projects": "projekter",
    "support reached": "opnået støtte",
    "supports": "støtter",
    "voters": "vælgere",
    "yes": "ja",
    # words passed through _() at run time
    "proposals": "forslag", "review": "vurdering", "voting": "afstemning", "results": "resultat",
    "approval": "godkendelse", "knapsack": "inden for budgettet", "points": "point",
    "submitted": "indsendt", "hidden": "skjult", "merged": "flettet", "accepted": "godkendt",
    "rejected": "afvist", "rule_mes": "metoden med lige andele (MES)",
    "rule_greedy": "flest stemmer først (grådig)", "rule_phragmen": "Phragméns metode",
}

EN: dict[str, str] = {"rule_mes": "the Method of Equal Shares (MES)",
                      "rule_greedy": "most votes first (greedy)",
                      "rule_phragmen": "Phragmén's method"}


def gettext_for(lang: str) -> Callable[[str], str]:
    """The ``_`` of the participation pages: these texts first, then the app's catalogue."""
    table = DA if lang == "da" else EN
    fallback = app_gettext_for(lang)

    def gettext(message: str) -> str:
        hit = table.get(message)
        return hit if hit is not None else str(fallback(message))

    return gettext
