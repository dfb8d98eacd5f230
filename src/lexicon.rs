//! General English word knowledge that holds for any news article: stop words, chat slang,
//! synonym groups, speech verbs, titles of office, countries and their adjectives, number
//! words and time words.
//!
//! This is data, not logic, and it says nothing about any particular article: what an article
//! says comes only from its text, and article-specific words live in the curated knowledge
//! file under config/.

/// Words that carry no topic: function words, question words, and the fluff of chat questions
/// ("tell me", "please", "according to the article").
#[rustfmt::skip]
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for", "with",
    "from", "into", "onto", "as", "is", "are", "was", "were", "be", "been", "being", "am", "do",
    "does", "did", "done", "doing", "has", "have", "had", "having", "will", "would", "shall",
    "should", "can", "could", "may", "might", "it", "its", "this", "that", "these", "those",
    "there", "here", "their", "they", "them", "he", "him", "his", "she", "her", "hers", "we", "our",
    "ours", "i", "me", "my", "mine", "you", "your", "yours", "what", "which", "who", "whom",
    "whose", "when", "where", "why", "how", "whats", "whos", "wheres", "hows", "so", "than", "then",
    "too", "very", "just", "also", "even", "only", "about", "regarding", "re", "up", "down", "out",
    "off", "over", "again", "some", "any", "all", "each", "every", "both", "such", "own", "same",
    "other", "more", "most", "much", "many", "lot", "lots", "not", "no", "yes", "nor", "isnt",
    "arent", "wasnt", "werent", "dont", "doesnt", "didnt", "hasnt", "havent", "wont", "wouldnt",
    "cant", "couldnt", "shouldnt", "tell", "know", "think", "thinks", "thought", "mean", "means",
    "really", "actually", "exactly", "currently", "right", "ever", "get", "gets", "got", "getting",
    "go", "goes", "going", "gonna", "wanna", "happen", "happens", "happened", "happening", "thing",
    "things", "stuff", "anything", "something", "everything", "like", "kind", "sort", "article",
    "story", "news", "piece", "report", "text", "mention", "mentions", "mentioned", "according",
    "explain", "details", "detail", "info", "information", "yo", "hey", "hi", "hello", "bot",
    "citebot", "please", "pls", "plz", "thanks", "thank", "ok", "okay", "lol", "guys", "rn",
    "situation", "stance", "position", "opinion", "feel", "status", "update",
    "latest", "manage", "managed", "try", "tried", "trying", "able", "one", "ones", "someone",
    "anyone", "somebody", "anybody", "people", "person", "now", "still", "yet", "way", "does",
    "make", "made", "let", "say", "said", "says", "saying", "quote", "quotes", "quoted", "word",
    "words", "statement", "statements", "remark", "remarks", "comment", "comments", "ya", "hmm",
    "um", "uh", "huh", "bro", "dude", "man", "sir", "nah", "yeah", "yep", "idk", "tho", "though",
    "while", "because", "since", "whether", "there", "theres", "during", "wrt", "give", "show", "find",
    "look", "need", "see", "pretty", "exactly", "well", "anyway", "basically", "specifically",
    "exact", "tldr", "summary", "summarize", "summarise", "gist", "overview", "topic", "topics", "true", "false", "correct", "vs", "versus", "pro", "adjective", "phrase",
    "expression", "term", "terms",
    "under", "circumstances", "good", "interesting", "notable",
    "memorable", "famous", "cool", "nice", "fun", "funny",
];

/// Chat spellings rewritten before anything else: each entry maps one typed word to the words
/// it stands for.
#[rustfmt::skip]
pub const SLANG: &[(&str, &str)] = &[
    ("u", "you"), ("ur", "your"), ("r", "are"), ("wat", "what"), ("whats", "what is"), ("whos", "who is"), ("wheres", "where is"), ("wut", "what"), ("wht", "what"),
    ("whta", "what"), ("hw", "how"), ("abt", "about"), ("bout", "about"), ("bc", "because"),
    ("cuz", "because"), ("coz", "because"), ("govt", "government"), ("gov", "government"),
    ("ppl", "people"), ("vp", "vice president"), ("anex", "annex"), ("vise", "vice"), ("potus", "us president"), ("prez", "president"),
    ("pres", "president"), ("w", "with"), ("wo", "without"), ("thx", "thanks"), ("ty", "thanks"),
    ("tl", "tldr"), ("dr", "tldr"), ("usa", "us"), ("america", "us"), ("american", "us"),
    ("americans", "us"), ("uk", "britain"), ("eu", "europe"), ("nato's", "nato"),
    ("recognise", "recognize"), ("defence", "defense"), ("kiev", "kyiv"), ("zelenskyy", "zelensky"),
    ("zelenskiy", "zelensky"),
];

/// Multi-word expressions rewritten to one word, on both the article and the question side, so
/// that "United States" and "U.S." or "win back" and "regain" meet.
#[rustfmt::skip]
pub const PHRASES: &[(&str, &str)] = &[
    ("united states", "us"), ("white house", "us"), ("secretary of defense", "defense secretary"),
    ("pentagon chief", "defense secretary"), ("win back", "regain"), ("give back", "return"), ("hand back", "return"), ("take back", "regain"),
    ("get back", "regain"), ("won back", "regain"), ("taken back", "regain"),
    ("take over", "capture"), ("took over", "capture"),
    ("secretary general", "secretarygeneral"),
    ("prime minister", "primeminister"), ("foreign minister", "foreignminister"),
    ("right now", "now"), ("full scale", "fullscale"),
    ("large scale", "fullscale"), ("counter offensive", "counteroffensive"),
    ("counter offensives", "counteroffensive"), ("phone call", "call"), ("on the table", "option"),
    ("in charge", "lead"), ("take place", "happen"), ("took place", "happen"),
    ("led to", "cause"), ("lead to", "cause"), ("leads to", "cause"), ("leading to", "cause"),
];

/// Groups of words that mean the same thing in questions about news; the first word names the
/// group. Words are stemmed when the table is built, so one form of each word is enough.
#[rustfmt::skip]
pub const SYNONYMS: &[&[&str]] = &[
    &["percent", "%", "percentage", "chunk", "slice", "fifth", "quarter", "tenth", "proportion", "share", "fraction", "portion", "pct"],
    &["territory", "territories", "land", "lands", "area", "ground", "soil", "territorial", "turf"],
    &["control", "hold", "occupy", "occupied", "occupation", "controlled", "possess", "held", "own"],
    &["capture", "fall", "fell", "fallen", "seize", "grab", "take", "taken", "took", "conquer", "overrun", "steal", "stole", "nab"],
    &["annex", "annexation", "annexed", "incorporate", "absorb", "claim", "claimed"],
    &["war", "conflict", "fighting", "fight", "hostilities", "warfare"],
    &["invasion", "invade", "attack", "assault", "incursion", "aggression"],
    &["counteroffensive", "counterattack", "counterstrike"],
    &["troops", "soldiers", "forces", "force", "army", "military", "personnel", "boots", "militaries"],
    &["weapons", "arms", "weaponry", "equipment", "ammunition", "ammo", "missiles", "guns"],
    &["support", "back", "backing", "help", "aid", "assist", "supply", "provide", "supporter", "backer", "assistance"],
    &["negotiation", "talks", "talk", "negotiate", "discussion", "discuss", "dialogue", "negotiating", "diplomacy"],
    &["deal", "agreement", "settlement", "accord", "pact", "treaty", "compromise"],
    &["peace", "ceasefire", "truce", "armistice"],
    &["recognize", "recognition", "accept", "acknowledge", "legitimize", "concede", "cede"],
    &["withdraw", "withdrawal", "pullout", "retreat", "leave", "exit", "removal"],
    &["return", "returned", "returning", "restore", "restoration", "handover", "giveback"],
    &["want", "must", "condition", "conditions", "seek", "sought", "demand", "desire", "wish", "aim", "ambition", "bid", "goal", "aspiration", "hope", "hoping"],
    &["join", "joining", "membership", "member", "accession", "admission", "admit", "enter", "entry"],
    &["oppose", "opposed", "opponent", "opponents", "against", "reject", "resist", "object", "dismiss", "refuse", "deny", "denied", "opposition", "rebuff", "nix", "shut"],
    &["threat", "danger", "risk", "menace", "threaten"],
    &["protect", "protection", "defend", "safeguard", "shield"],
    &["security", "safety", "secure"],
    &["guarantee", "assurance", "commitment", "pledge", "guarantor"],
    &["swap", "exchange", "trade", "swapping"],
    &["optimism", "optimistic", "upbeat", "positive", "confident"],
    &["concern", "concerned", "worry", "worried", "alarm", "unease", "fear", "nervous", "anxious"],
    &["skepticism", "skeptical", "sceptical", "scepticism", "doubt", "doubtful", "unconvinced"],
    &["dissatisfied", "unsatisfied", "unhappy", "displeased"],
    &["satisfied", "happy", "pleased", "content"],
    &["warn", "warning", "caution", "cautioning", "cautioned", "warned", "alert"],
    &["mediate", "mediator", "broker", "arbitrate", "intermediary", "middleman", "mediation", "facilitate"],
    &["send", "deploy", "deployment", "dispatch", "sending", "sent", "station"],
    &["plan", "plans", "proposal", "propose", "strategy", "blueprint", "roadmap", "idea", "suggestion", "suggest", "framework", "scheme", "vision"],
    &["resource", "resources", "mineral", "minerals", "metals", "natural"],
    &["parliament", "legislature", "lawmakers", "congress"],
    &["unclear", "uncertain", "unknown", "unsure", "uncertainty", "undecided", "murky"],
    &["clear", "certain", "sure"],
    &["division", "obstacle", "obstacles", "barrier", "hurdle", "impediment", "divide", "divided", "disagreement", "split", "rift", "gap", "difference", "dispute", "sticking"],
    &["call", "phone", "conversation", "phonecall", "chat", "spoke", "speak", "dial"],
    &["us", "washington", "usa", "administration"],
    &["russia", "russian", "russians", "moscow"],
    &["ukraine", "ukrainian", "ukrainians"],
    &["europe", "european", "europeans", "eu", "brussels"],
    &["france", "french", "paris"],
    &["germany", "german", "germans", "berlin"],
    &["britain", "british", "england", "english", "london"],
    &["china", "chinese", "beijing"],
    &["leader", "leaders", "head", "chief", "boss", "leadership", "lead"],
    &["likely", "realistic", "possible", "feasible", "probable", "chance", "chances", "odds", "prospect", "prospects"],
    &["unlikely", "unrealistic", "improbable", "impossible"],
    &["option", "choice", "alternative"],
    &["cheap", "cheapest", "inexpensive", "affordable"],
    &["cost", "$", "€", "£", "costly", "price", "money", "dollar", "euro", "funding", "fund", "spend", "budget", "expensive"],
    &["important", "key", "critical", "crucial", "vital", "essential", "significant", "importance", "matter", "matters"],
    &["issue", "question", "problem", "subject", "point", "element"],
    &["dominate", "dominant", "main", "mostly", "mainly", "primarily", "largely", "chiefly", "focus", "overshadow", "primary", "central", "biggest", "major"],
    &["begin", "start", "launch", "onset", "outbreak", "initiate", "commence", "began", "started", "kickoff", "beginning"],
    &["escalate", "escalation", "intensify", "escalating"],
    &["end", "ending", "finish", "stop", "conclude", "conclusion", "halt"],
    &["expand", "expansion", "enlargement", "enlarge", "advance", "advancing", "gain", "gains", "grow", "spread", "progress", "push"],
    &["regain", "recapture", "retake", "reclaim", "recover", "liberate", "liberation"],
    &["ally", "allies", "partner", "partners", "western", "west"],
    &["fail", "failure", "unable", "unsuccessful"],
    &["oust", "ousting", "ousted", "overthrow", "topple", "depose", "revolution"],
    &["cause", "trigger", "spark", "prompt", "provoke", "reason"],
    &["separatist", "rebels", "rebel", "insurgent", "insurgents", "militants", "proxies", "proxy", "militia"],
    &["east", "eastern"],
    &["south", "southern"],
    &["region", "province", "oblast", "oblasts"],
    &["prove", "proof", "evidence", "demonstrate", "justification"],
    &["unite", "unity", "united", "together", "rally", "unify"],
    &["involve", "part", "parts", "involvement", "participation", "engagement", "include", "included", "involved", "adopt", "adopted", "participate", "inclusion"],
    &["prepare", "preparing", "ready", "readiness", "preparation"],
    &["historic", "historical", "landmark", "momentous"],
    &["firm", "adamant", "insist", "insisted", "insists", "steadfast", "unwavering", "resolute"],
    &["secret", "behind", "private", "privately"],
    &["describe", "description", "characterize", "portray", "label"],
    &["respond", "response", "react", "reaction", "reply"],
    &["victory", "triumph"],
    &["express", "voice", "voiced", "raise", "raised", "air"],
    &["follow", "following", "after", "aftermath"],
    &["precede", "preceded", "prior", "before"],
    &["view", "views", "viewing", "perceive", "regard", "consider", "deem"],
    &["road", "path", "route", "pathway"],
    &["timeline", "soon", "close", "imminent", "date", "schedule", "timetable", "deadline", "timeframe", "dates"],
    &["lose", "losing", "lost", "loss", "losses"],
    &["kill", "killed", "die", "died", "death", "deaths", "dead", "casualty", "casualties", "fatalities"],
    &["sanction", "sanctions", "embargo"],
    &["weather", "forecast", "rain", "temperature", "sunny"],
    &["born", "birthday", "birth", "age", "old"],
    &["population", "inhabitants", "residents"],
    &["economy", "gdp", "economic", "inflation"],
    &["conference", "summit", "forum", "gathering"],
    &["announce", "announced", "announcement", "declare"],
    &["outline", "present", "presented", "unveil", "introduce", "pitch", "lay"],
    &["future", "upcoming", "coming"],
];

/// Words whose stem would put them with the wrong concept ("issued a warning" is not an
/// "issue"), mapped to the word whose concept they belong to.
#[rustfmt::skip]
pub const WORD_CONCEPTS: &[(&str, &str)] = &[
    ("issued", "announce"), ("issuing", "announce"), ("issues", "issue"),
    ("criticize", "condemn"), ("criticise", "condemn"), ("criticized", "condemn"),
    ("criticised", "condemn"), ("criticizes", "condemn"), ("criticism", "condemn"),
    ("critic", "condemn"), ("critics", "condemn"),
];

/// Irregular past forms of common English verbs, to their base form, so that "who won?" meets
/// "winning" and "who took the penalty?" meets "take".
#[rustfmt::skip]
pub const IRREGULAR: &[(&str, &str)] = &[
    ("won", "win"), ("took", "take"), ("taken", "take"), ("went", "go"), ("gone", "go"),
    ("got", "get"), ("gotten", "get"), ("gave", "give"), ("given", "give"), ("made", "make"),
    ("came", "come"), ("saw", "see"), ("seen", "see"), ("told", "tell"), ("thought", "think"),
    ("brought", "bring"), ("bought", "buy"), ("fought", "fight"), ("caught", "catch"),
    ("held", "hold"), ("lost", "lose"), ("met", "meet"), ("led", "lead"),
    ("paid", "pay"), ("ran", "run"), ("sent", "send"), ("spent", "spend"), ("stood", "stand"),
    ("struck", "strike"), ("taught", "teach"), ("wrote", "write"), ("written", "write"),
    ("began", "begin"), ("begun", "begin"), ("broke", "break"), ("broken", "break"),
    ("chose", "choose"), ("chosen", "choose"), ("drove", "drive"), ("driven", "drive"),
    ("fell", "fall"), ("fallen", "fall"), ("flew", "fly"), ("flown", "fly"), ("grew", "grow"),
    ("grown", "grow"), ("kept", "keep"), ("knew", "know"), ("known", "know"), ("rose", "rise"),
    ("risen", "rise"), ("shot", "shoot"), ("sold", "sell"), ("spoke", "speak"),
    ("spoken", "speak"), ("stole", "steal"), ("stolen", "steal"), ("threw", "throw"),
    ("thrown", "throw"), ("understood", "understand"), ("wore", "wear"), ("worn", "wear"),
    ("beaten", "beat"), ("built", "build"), ("burnt", "burn"), ("dealt", "deal"),
    ("drew", "draw"), ("drawn", "draw"), ("ate", "eat"), ("eaten", "eat"), ("felt", "feel"),
    ("found", "find"), ("forgot", "forget"), ("hid", "hide"), ("heard", "hear"),
    ("laid", "lay"), ("lent", "lend"), ("meant", "mean"), ("rode", "ride"), ("sang", "sing"),
    ("sank", "sink"), ("sat", "sit"), ("slept", "sleep"), ("swore", "swear"), ("swam", "swim"),
    ("woke", "wake"), ("withdrew", "withdraw"), ("withdrawn", "withdraw"), ("undertook", "undertake"),
    ("overtook", "overtake"), ("froze", "freeze"), ("frozen", "freeze"), ("shook", "shake"),
    ("bent", "bend"), ("bled", "bleed"), ("fed", "feed"),
    ("fled", "flee"), ("hung", "hang"), ("sped", "speed"), ("spun", "spin"), ("stuck", "stick"),
    ("swept", "sweep"), ("wept", "weep"),
];

/// Verbs that introduce speech or a stance; a person right before one of them is the speaker of
/// what follows.
#[rustfmt::skip]
pub const SPEECH_VERBS: &[&str] = &[
    "said", "says", "say", "told", "tells", "stated", "stating", "states", "added", "adding",
    "reiterated", "reiterating", "insisted", "insisting", "insists", "urged", "urging", "urges",
    "warned", "warning", "warns", "cautioned", "cautioning", "cautions", "called", "calling",
    "calls", "described", "describing", "describes", "emphasized", "emphasizing", "emphasised",
    "emphasising", "stressed", "stressing", "argued", "arguing", "claimed", "claiming", "noted",
    "noting", "declared", "declaring", "announced", "expressed", "expressing", "hinted", "hinting",
    "suggested", "suggesting", "asked", "replied", "wrote", "posted", "tweeted", "remarked",
    "explained", "acknowledged", "admitted", "predicted", "promised", "vowed", "pledged",
    "questioned", "dismissed", "outlined", "issued", "voiced", "poured", "remains", "believes",
    "believe", "accused", "criticised", "criticized", "praised", "welcomed", "rejected",
];

/// Titles of office, longest first so that "Vice President" wins over "President".
#[rustfmt::skip]
pub const TITLES: &[&str] = &[
    "Defense Secretary", "Defence Secretary", "Secretary of State", "Secretary of Defense",
    "Foreign Minister", "Foreign Secretary", "Defense Minister", "Defence Minister",
    "Prime Minister", "Vice President", "Secretary General", "Secretary-General", "Chancellor",
    "President", "Minister", "Secretary", "Senator", "Governor", "General", "Ambassador",
    "Spokesperson", "Spokesman", "Spokeswoman", "Commissioner", "Mayor", "King", "Queen", "Pope",
    "Premier", "Envoy", "Chairman", "Chairwoman", "Director", "Admiral", "Commander", "Speaker",
    "Leader", "CEO", "Councilman", "Councilwoman", "Councillor", "Alderman", "Congressman",
    "Congresswoman", "Representative", "Judge", "Justice", "Sheriff",
];

/// Common words for what a person is or does, as they stand before a name ("striker Jonah
/// Mbeki", "chief executive Marguerite Holloway"); words with an agent ending ("-er", "-ist")
/// need not be listed.
#[rustfmt::skip]
pub const ROLES: &[&str] = &[
    "captain", "coach", "chief", "executive", "head", "spokesperson", "spokesman",
    "spokeswoman", "referee", "forward", "midfielder", "substitute", "full-back", "goalkeeper",
    "keeper", "analyst", "economist", "scientist", "professor", "doctor", "nurse", "attorney",
    "lawyer", "judge", "mayor", "resident", "student", "author", "official", "chair",
    "president", "director", "founder", "owner", "officer", "engineer", "architect",
    "detective", "investigator", "candidate", "activist", "farmer", "witness", "patient",
    "physician", "surgeon", "pilot", "chef", "artist", "singer", "actor", "actress", "host",
    "priest", "bishop", "colonel", "lieutenant", "sergeant", "corporal", "private", "agent",
    "deputy", "aide", "adviser", "advisor", "counsel", "clerk", "treasurer", "superintendent",
    "principal", "dean", "chancellor", "councillor", "councilor", "lawmaker", "legislator",
    "senator", "governor", "secretary", "minister", "ambassador", "envoy", "diplomat",
    "journalist", "reporter", "editor", "photographer", "veteran", "rookie", "defender",
    "striker", "winger", "manager", "trainer", "owner", "commissioner", "sheriff", "chairman",
    "chairwoman", "meteorologist", "researcher", "co-author", "colleague", "partner", "member",
];

/// Words with an agent ending that are not roles ("after Harbor Street").
#[rustfmt::skip]
pub const NOT_ROLES: &[&str] = &[
    "after", "under", "over", "later", "never", "whether", "rather", "either", "neither",
    "other", "another", "together", "further", "however", "whatever", "whenever", "wherever",
    "water", "center", "centre", "border", "number", "summer", "winter", "major", "minor",
    "prior", "percent", "recent", "current", "event", "consent", "floor", "corner", "quarter",
    "matter", "order", "letter", "power", "tower", "river", "cover", "offer", "enter", "consider",
    "remember", "deliver", "gather", "suffer", "wonder", "answer", "chapter", "sector", "factor",
    "error", "favor", "favour", "labor", "labour", "color", "colour", "honor", "honour",
    "behavior", "behaviour", "monitor", "corridor", "interior", "exterior", "elsewhere",
    "newer", "older", "higher", "lower", "larger", "smaller", "greater", "bigger", "longer",
    "shorter", "faster", "slower", "earlier", "farther", "closer", "better", "fewer",
    "ceremony", "agreement", "government", "parliament", "moment", "comment", "statement",
    "department", "element", "content", "extent", "present", "frequent", "urgent", "silent",
    "different", "independent", "apparent", "patent", "talent", "accident", "incident",
    "against", "meanwhile", "whereas", "beneath", "between", "throughout", "toward", "towards",
    "former", "latter", "upper", "inner", "outer", "proper", "bitter", "clever", "eager",
];

/// Words that make a capitalised span a place or an organisation, not a person ("Harbor
/// Street", "Northern Football Association", "University of Chile").
#[rustfmt::skip]
pub const PLACE_AND_ORGANISATION_WORDS: &[&str] = &[
    "street", "road", "avenue", "lane", "boulevard", "drive", "route", "highway", "bridge",
    "square", "county", "city", "town", "township", "village", "district", "province", "region",
    "river", "lake", "mountain", "mount", "valley", "canyon", "creek", "springs", "ridge",
    "island", "islands", "coast", "bay", "harbor", "harbour", "port", "park", "stadium", "arena",
    "center", "centre", "hall", "hospital", "clinic", "school", "college", "university",
    "institute", "academy", "laboratory", "board", "agency", "association", "authority",
    "council", "committee", "commission", "company", "corporation", "corp", "inc", "ltd", "group",
    "department", "ministry", "service", "services", "office", "court", "party", "union", "fund",
    "bank", "foundation", "society", "league", "club", "conference", "summit", "cup", "trophy",
    "shield", "championship", "fire", "station", "airport", "rovers", "united", "athletic",
    "news", "times", "journal", "review", "community", "national", "regional", "international",
    "federal", "state", "republic", "kingdom", "alliance", "forum", "council", "network",
    "museum", "library", "church", "cathedral", "palace", "house", "tower", "plant", "factory",
    "mall", "market", "hotel", "restaurant", "team", "force", "army", "navy", "guard", "police",
    "appliances", "industries", "systems", "technologies", "labs", "holdings", "partners",
];

/// Countries with their adjectives, as they qualify a title ("French President") or stand
/// alone in a question ("the president of France"). The first entry is the country's name.
#[rustfmt::skip]
pub const COUNTRIES: &[&[&str]] = &[
    &["US", "U.S.", "American", "United States", "America"],
    &["Ukraine", "Ukrainian", "Ukraine’s", "Ukraine's"],
    &["Russia", "Russian", "Russia’s", "Russia's"],
    &["France", "French"],
    &["Germany", "German"],
    &["Britain", "British", "UK", "U.K."],
    &["China", "Chinese"],
    &["Poland", "Polish"],
    &["Italy", "Italian"],
    &["Spain", "Spanish"],
    &["Turkey", "Turkish"],
    &["Israel", "Israeli"],
    &["Iran", "Iranian"],
    &["India", "Indian"],
    &["Japan", "Japanese"],
    &["Canada", "Canadian"],
    &["Europe", "European", "EU"],
    &["NATO"],
];

/// Number words, so that "four regions" is a figure like "4 regions".
#[rustfmt::skip]
pub const NUMBER_WORDS: &[&str] = &[
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "million",
    "millions", "billion", "billions", "half", "third", "fifth",
];

/// Words that make a phrase a point in time.
#[rustfmt::skip]
pub const TIME_WORDS: &[&str] = &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "today", "yesterday", "tomorrow", "ago", "year", "years", "month",
    "months", "week", "weeks", "day", "days", "since", "timeline", "date", "schedule", "recently", "long",
    "onset", "decade", "decades", "century", "later", "earlier", "soon", "now",
];

/// The lowercase adjective -> country map derived from [`COUNTRIES`], as (form, country).
pub fn country_forms() -> impl Iterator<Item = (&'static str, &'static str)> {
    COUNTRIES
        .iter()
        .flat_map(|forms| forms.iter().map(move |f| (*f, forms[0])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::stem;
    use std::collections::HashMap;

    #[test]
    fn no_word_belongs_to_two_synonym_groups() {
        let mut seen: HashMap<String, &str> = HashMap::new();
        let mut clashes = Vec::new();
        for group in SYNONYMS {
            for w in group.iter() {
                if let Some(prev) = seen.insert(stem(w), group[0])
                    && prev != group[0]
                {
                    clashes.push(format!(
                        "{w:?} is in the groups {prev:?} and {:?}",
                        group[0]
                    ));
                }
            }
        }
        assert!(clashes.is_empty(), "{clashes:#?}");
    }
}
