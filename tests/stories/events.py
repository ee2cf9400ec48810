"""Short news texts for the story tests: one event told by two outlets, and unrelated news."""

RT_FR = (
    "« Divergences sur des questions fondamentales » avec l'OTAN, selon la diplomatie russe",
    [
        "À l'issue d'une réunion Russie-OTAN le 12 janvier à Bruxelles, le vice-ministre russe des Affaires "
        "étrangères Alexandre Grouchko a jugé « impératif » que l'Alliance atlantique renonce à s'étendre.",
        "« Nous ne laisserons pas cela se produire », a-t-il martelé.",
    ],
)
RT_EN = (
    "« Differences on fundamental issues » persist with NATO, according to Russian diplomacy",
    [
        "After a Russia-NATO meeting on January 12 in Brussels, Deputy Foreign Minister Alexander Grouchko judged "
        "that it was « imperative » that the Atlantic Alliance refrain from expanding further to the East.",
        "« We will not let this happen, » he said, insisting that NATO enlargement « will not solve any security "
        "problem ».",
    ],
)
RFI_FR = (
    "OTAN-Russie : malgré de « grandes divergences », le dialogue reste ouvert",
    [
        "Lors des discussions entre l'OTAN et la Russie, mercredi 12 janvier à Bruxelles, Moscou a campé sur ses "
        "positions concernant le non-élargissement de l'Alliance atlantique.",
        "« La conversation a été très franche », a ajouté le vice-ministre russe des Affaires étrangères "
        "Alexandre Grouchko.",
        "« Certaines demandes russes ne sont même pas discutables », a déclaré la secrétaire d'État adjointe "
        "américaine Wendy Sherman.",
    ],
)
RFI_EN = (
    "NATO-Russia: despite « major differences », the dialogue remains open",
    [
        "During discussions between NATO and Russia on Wednesday January 12 in Brussels, Moscow stuck to its "
        "positions concerning the non-enlargement of the Atlantic Alliance, a request refused by NATO.",
        "« The conversation was very frank », added Russian Deputy Foreign Minister Alexander Grouchko.",
        "« Some Russian requests are not even questionable », said US Deputy Secretary of State Wendy Sherman.",
    ],
)
BAKERS_FR = (
    "Les boulangers face à la flambée des factures d'énergie",
    ["Électricité, farine, beurre : en quelques mois, le coût de fabrication d'une baguette a augmenté."],
)
BAKERS_EN = (
    "Bakers face soaring energy bills",
    [
        "Electricity, flour, butter: in a few months, the cost of making a baguette has risen sharply. In small "
        "towns, bakers hesitate to pass the increase on to their customers.",
    ],
)
SKI_EN = (
    "Mid-mountain ski resorts: the winter of all doubts",
    [
        "With no snow below 1,500 metres, several resorts in the Pre-Alps have had to close some of their slopes "
        "in the middle of the season. Mayors are calling for an adaptation plan.",
    ],
)
