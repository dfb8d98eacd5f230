//! Knowledge extracted automatically from the article text: the people it names (with titles,
//! roles and aliases), who each quotation belongs to, who speaks in each sentence, and which
//! sentences carry figures, times and places.
//!
//! Extraction works on any article of the same shape; the curated file can only add aliases to
//! the people found here. Nothing in this module invents text: every name, title and quote is a
//! span of the article.

use crate::article::Article;
use crate::lexicon;
use crate::vocab::{Vocab, Word};
use regex::Regex;
use std::sync::OnceLock;

/// A person the article names.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// The fullest form of the name in the article ("Donald Trump").
    pub name: String,
    /// The title as the article writes it at the fullest mention ("U.S. Defense Secretary").
    pub title: Option<String>,
    /// Normalised word sequences that refer to this person ("trump", "president trump",
    /// "us president"), longest first.
    pub aliases: Vec<Vec<String>>,
}

impl Person {
    pub fn surname(&self) -> &str {
        self.name.rsplit(' ').next().unwrap_or(&self.name)
    }

    /// "U.S. Defense Secretary Pete Hegseth", or the name alone.
    pub fn described(&self) -> String {
        match &self.title {
            Some(t) => format!("{t} {}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A quotation in a sentence, with its speaker when the article says who it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    /// Index of the sentence in `Article::sentences`.
    pub sentence: usize,
    /// The words inside the quotation marks, verbatim.
    pub text: String,
    /// Index into `Knowledge::people`.
    pub speaker: Option<usize>,
}

/// What a sentence carries, beyond its words.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// People named in the sentence or referred to by a pronoun in it.
    pub people: Vec<usize>,
    /// People who speak or take a stance in it (subject of "said", "urged", a quote's speaker).
    pub speakers: Vec<usize>,
    /// Indexes into `Knowledge::quotes`.
    pub quotes: Vec<usize>,
    pub has_number: bool,
    pub has_time: bool,
    /// Has a time that is not (only) in the past: a condition, a schedule, "soon", "future" —
    /// what a "when will ...?" question needs.
    pub has_open_time: bool,
    /// Speaks of the future ("will", "scheduled", "expected").
    pub future: bool,
    /// Names a calendar time: a month, a weekday, a year, today/yesterday/tomorrow — what
    /// "what day / what year" asks for.
    pub has_calendar: bool,
    pub has_place: bool,
    /// Gives a reason or a motive ("because", "viewing them as", "believing that").
    pub has_reason: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Knowledge {
    pub people: Vec<Person>,
    pub quotes: Vec<Quote>,
    /// One entry per article sentence, same order.
    pub facts: Vec<Facts>,
    /// Capitalised names that are not people (NATO, Crimea, Kremlin), in order of appearance.
    pub names: Vec<String>,
}

impl Knowledge {
    /// The person an alias word sequence refers to, matching the longest alias at `words[i..]`.
    /// Returns the person and the number of words matched.
    pub fn person_at(&self, words: &[&str], i: usize) -> Option<(usize, usize)> {
        self.match_alias(words, i, false)
    }

    /// Like [`Knowledge::person_at`], but only aliases that contain the person's surname: in
    /// article text a bare role ("a pro-Russian Ukrainian president") may be someone else.
    pub fn named_person_at(&self, words: &[&str], i: usize) -> Option<(usize, usize)> {
        self.match_alias(words, i, true)
    }

    fn match_alias(&self, words: &[&str], i: usize, names_only: bool) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        for (p, person) in self.people.iter().enumerate() {
            for alias in &person.aliases {
                let n = alias.len();
                if i + n <= words.len()
                    && alias.iter().zip(&words[i..i + n]).all(|(a, w)| a == w)
                    && best.is_none_or(|(_, m)| n > m)
                    && (!names_only || names_surname(alias, person.surname()))
                {
                    best = Some((p, n));
                }
            }
        }
        best
    }

    /// Index of a person by full name or surname, case-insensitively.
    pub fn find_person(&self, name: &str) -> Option<usize> {
        let name = name.trim().to_lowercase();
        self.people
            .iter()
            .position(|p| p.name.to_lowercase() == name)
            .or_else(|| {
                self.people
                    .iter()
                    .position(|p| p.surname().to_lowercase() == name)
            })
    }

    /// Whether a person speaks anywhere in the article (a quote or a reported statement).
    pub fn speaks(&self, person: usize) -> bool {
        self.facts.iter().any(|f| f.speakers.contains(&person))
    }
}

/// Whether alias words hold every part of a surname as the words of text have it
/// ("Marquez-Vidal" is "marquez vidal", "O’Neill" is "oneill").
fn names_surname(alias: &[String], surname: &str) -> bool {
    surname.split('-').all(|part| {
        alias.iter().any(|a| {
            a.chars().eq(part
                .chars()
                .filter(|c| !matches!(c, '’' | '\''))
                .flat_map(char::to_lowercase))
        })
    })
}

/// Words dropped when comparing alias word sequences ("the president of France").
pub fn alias_filler(word: &str) -> bool {
    matches!(word, "the" | "of" | "a" | "an")
}

/// Extracts the knowledge of `article`; `extra_aliases` maps a person's name (full or surname)
/// to more ways of referring to them, from the curated file. Fails with (name, message) for
/// every alias entry naming someone the article does not.
pub fn extract(
    article: &Article,
    vocab: &Vocab,
    extra_aliases: &[(String, Vec<String>)],
) -> Result<Knowledge, Vec<(String, String)>> {
    let mut people = find_people(article);
    let names = find_names(article, &people);
    for person in &mut people {
        person.aliases = aliases(person, vocab);
    }
    for (p, role) in unique_roles(&people, vocab) {
        if !people[p].aliases.contains(&role) {
            people[p].aliases.push(role);
        }
    }
    let mut k = Knowledge {
        people,
        quotes: Vec::new(),
        facts: Vec::new(),
        names,
    };
    let mut errors = Vec::new();
    for (name, extra) in extra_aliases {
        let Some(p) = k.find_person(name) else {
            errors.push((
                name.clone(),
                format!("{name:?} is not a person the article names"),
            ));
            continue;
        };
        for a in extra {
            let words = alias_words(a, vocab);
            if !words.is_empty() && !k.people[p].aliases.contains(&words) {
                k.people[p].aliases.push(words);
            }
        }
        k.people[p]
            .aliases
            .sort_by_key(|a| std::cmp::Reverse(a.len()));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut last_person: Option<usize> = None;
    // The speaker of the previous sentence's last quotation, within one paragraph.
    let mut last_quoted: Option<(usize, usize)> = None;
    for (si, sentence) in article.sentences.iter().enumerate() {
        let words = vocab.article_words(&sentence.text);
        let facts = sentence_facts(&k, &sentence.text, &words, &mut last_person);
        let quotes = find_quotes(&sentence.text);
        let mut facts = facts;
        let paragraph = sentence.id.paragraph;
        let mut quoted = None;
        for (qstart, qend, qtext) in quotes {
            // A sentence that is nothing but a quotation goes on with the previous one's
            // speaker ("“...,” Whitfield said. “The drought years ...”").
            let continued = qstart == 0
                && sentence.text[qend..].trim().is_empty()
                && last_quoted.is_some_and(|(para, _)| para == paragraph);
            let speaker = quote_speaker(&k, &words, qstart, qend, &facts).or(if continued {
                last_quoted.map(|(_, p)| p)
            } else {
                None
            });
            quoted = speaker.map(|p| (paragraph, p));
            if let Some(s) = speaker
                && !facts.speakers.contains(&s)
            {
                facts.speakers.push(s);
            }
            facts.quotes.push(k.quotes.len());
            k.quotes.push(Quote {
                sentence: si,
                text: qtext,
                speaker,
            });
        }
        k.facts.push(facts);
        last_quoted = quoted;
    }
    Ok(k)
}

/// A capitalised word of a name: "Eklund", "Marquez-Vidal", "Tomás", "O'Neill".
const NAME_WORD: &str = r"\p{Lu}(?:[’']\p{Lu})?\p{Ll}+(?:-\p{Lu}?\p{Ll}+)*";

/// A name of one to three capitalised words.
fn name() -> String {
    format!(r"{NAME_WORD}(?:\s+{NAME_WORD}){{0,2}}")
}

/// A full name: two or three capitalised words.
fn full_name() -> String {
    format!(r"{NAME_WORD}(?:\s+{NAME_WORD}){{1,2}}")
}

/// The pattern `cell` holds, compiled from `pattern()` on first use.
fn compiled(cell: &'static OnceLock<Regex>, pattern: impl FnOnce() -> String) -> &'static Regex {
    cell.get_or_init(|| Regex::new(&pattern()).expect("the built-in pattern is valid"))
}

fn title_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    compiled(&RE, || {
        let titles = lexicon::TITLES
            .iter()
            .map(|t| regex::escape(t))
            .collect::<Vec<_>>()
            .join("|");
        let name = format!(r"(?:[A-Z]\.){{1,3}}\s?[A-Z][\p{{L}}’'\-]+|{}", name());
        format!(
            r"(?:(?P<qual>U\.S\.|U\.K\.|[A-Z][\p{{L}}]+(?:’s|'s)?)\s+)?(?P<title>{titles})\s+(?P<name>{name})"
        )
    })
}

/// A two- or three-word capitalised name right before or after a speech verb.
fn speech_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    compiled(&RE, || {
        let name = full_name();
        format!(
            r"(?P<a>\b{name}),?\s+(?:said|says|told|added|stated|warned|argued|insisted|noted|explained|wrote)\b|\b(?:said|says|told|added)\s+(?P<b>{name})"
        )
    })
}

/// A lower-case word (or the sentence's first word) right before a full name: a role when
/// [`is_role`] says so ("striker Jonah Mbeki", "glaciologist Elena Marquez-Vidal", "head coach
/// Marta Eklund", "Referee Paul Dekker awarded ...", "the college's president, Ellen Varga").
fn role_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    compiled(&RE, || {
        format!(
            r"(?:^(?P<lead>\p{{Lu}}\p{{Ll}}+(?:-\p{{Ll}}+)?)|\b(?P<role>\p{{Ll}}+(?:-\p{{Ll}}+)?)),?\s+(?P<name>{})",
            full_name()
        )
    })
}

/// A full name followed by an apposition that only a person takes: an age ("Kamara, 19,"),
/// a relative "who", or a description holding a role ("Carla Mendes, a 38-year-old nurse").
fn apposition_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    compiled(&RE, || {
        format!(
            r"(?P<name>{}),\s+(?:(?P<age>\d{{1,3}}),|(?P<who>who)\b|(?:(?:a|an|the)\s+)?(?P<desc>[^,.;:()]{{1,60}}))",
            full_name()
        )
    })
}

/// A courtesy title before a name of one or more words ("Dr. Priya Raman", "Ms Okafor").
fn honorific_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    compiled(&RE, || {
        format!(
            r"\b(?P<title>Dr|Mr|Mrs|Ms|Prof|Sir|Dame)\.?\s+(?P<name>{})",
            name()
        )
    })
}

/// Whether a lower-case word names what a person is or does: one of the common roles, or a
/// word with an agent ending ("-ist", "-er", "-or", "-ian", "-ent", "-ee", "-person").
fn is_role(word: &str) -> bool {
    if lexicon::ROLES.contains(&word) {
        return true;
    }
    if word.chars().count() < 5
        || lexicon::STOP_WORDS.contains(&word)
        || lexicon::NOT_ROLES.contains(&word)
    {
        return false;
    }
    [
        "ist", "er", "or", "ian", "ent", "ee", "man", "woman", "person",
    ]
    .iter()
    .any(|suffix| word.ends_with(suffix))
}

/// Whether a capitalised span can be a person's name: no word of it is a country, a title,
/// a time word, a function word or a word that names a place or an organisation ("Harbor
/// Street", "Northern Football Association").
fn can_be_person(name: &str, non_names: &[String]) -> bool {
    let lower = name.to_lowercase();
    !non_names.contains(&lower)
        && lower.split(' ').all(|w| {
            !non_names.iter().any(|n| n == w)
                && !lexicon::STOP_WORDS.contains(&w)
                && !lexicon::TIME_WORDS.contains(&w)
                && !lexicon::PLACE_AND_ORGANISATION_WORDS.contains(&w)
        })
}

/// People the article names, merged by surname. A capitalised name counts as a person when
/// the article says so: a title ("French President Emmanuel Macron"), a role ("striker Jonah
/// Mbeki"), a courtesy title ("Dr. Raman"), a speech verb ("Jane Doe said"), or an apposition
/// ("Carla Mendes, a 38-year-old nurse"; "Kamara, 19,"; "Ferreira, who ...").
fn find_people(article: &Article) -> Vec<Person> {
    let mut people: Vec<Person> = Vec::new();
    let non_names: Vec<String> = lexicon::country_forms()
        .map(|(f, _)| f.to_lowercase())
        .chain(lexicon::TITLES.iter().map(|t| t.to_lowercase()))
        .collect();
    for s in &article.sentences {
        let mut found: Vec<(Option<String>, String)> = Vec::new();
        for c in title_regex().captures_iter(&s.text) {
            let title = match c.name("qual") {
                Some(q) if is_qualifier(q.as_str()) => format!("{} {}", q.as_str(), &c["title"]),
                _ => c["title"].to_string(),
            };
            found.push((Some(title), c["name"].to_string()));
        }
        for c in honorific_regex().captures_iter(&s.text) {
            found.push((None, c["name"].to_string()));
        }
        for c in role_regex().captures_iter(&s.text) {
            // A role opens the sentence capitalised ("Striker Jonah Mbeki doubled ...").
            let role = c
                .name("role")
                .or(c.name("lead"))
                .map_or(String::new(), |r| r.as_str().to_lowercase());
            if is_role(&role) {
                found.push((Some(role), c["name"].to_string()));
            }
        }
        for c in apposition_regex().captures_iter(&s.text) {
            // A role among the description's first words ("a 38-year-old nurse from ...",
            // "planning director at ..."), not a plural ("the defenders").
            let described = c.name("desc").is_some_and(|d| {
                d.as_str()
                    .split_whitespace()
                    .take(4)
                    .any(|w| is_role(w) && !w.ends_with('s'))
            });
            if c.name("age").is_some() || c.name("who").is_some() || described {
                found.push((None, c["name"].to_string()));
            }
        }
        for c in speech_regex().captures_iter(&s.text) {
            if let Some(n) = c.name("a").or(c.name("b")) {
                found.push((None, n.as_str().to_string()));
            }
        }
        for (title, name) in found {
            let name = name.trim().to_string();
            if !can_be_person(&name, &non_names) {
                continue;
            }
            let surname = name.rsplit(' ').next().unwrap_or(&name).to_string();
            match people.iter_mut().find(|p| p.surname() == surname) {
                Some(p) => {
                    if name.len() > p.name.len() {
                        p.name = name;
                    }
                    if let Some(t) = title
                        && p.title.as_ref().is_none_or(|old| t.len() > old.len())
                    {
                        p.title = Some(t);
                    }
                }
                None => people.push(Person {
                    name,
                    title,
                    aliases: Vec::new(),
                }),
            }
        }
    }
    people
}

fn is_qualifier(word: &str) -> bool {
    lexicon::country_forms().any(|(f, _)| f == word)
}

/// Normalised alias words for a phrase, as a question would be normalised.
pub fn alias_words(phrase: &str, vocab: &Vocab) -> Vec<String> {
    vocab
        .question_words(phrase)
        .into_iter()
        .map(|w| w.text)
        .filter(|w| !alias_filler(w))
        .collect()
}

/// Aliases: the full name, the surname, title + surname, and role forms built from the title
/// and its country ("us defense secretary", "defense secretary of the us").
fn aliases(person: &Person, vocab: &Vocab) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut add = |phrase: String| {
        let words = alias_words(&phrase, vocab);
        if !words.is_empty() && !out.contains(&words) {
            out.push(words);
        }
    };
    add(person.name.clone());
    add(person.surname().to_string());
    if let Some(title) = &person.title {
        add(title.clone());
        let (country, role) = split_title(title);
        add(format!("{role} {}", person.surname()));
        add(format!("{role} {}", person.name));
        if let Some(country) = country {
            for (form, c) in lexicon::country_forms() {
                if c == country {
                    add(format!("{form} {role}"));
                }
            }
            add(format!("{role} of {country}"));
            if HEADS.contains(&role) {
                for (form, c) in lexicon::country_forms() {
                    if c == country {
                        add(format!("{form} leader"));
                        add(format!("leads {form}"));
                        add(format!("runs {form}"));
                    }
                }
                add(format!("leader of {country}"));
                add(format!("head of {country}"));
            }
        }
    }
    out.sort_by_key(|a| std::cmp::Reverse(a.len()));
    out
}

/// Titles of a head of state or government: "the leader of X" is that person.
const HEADS: &[&str] = &[
    "President",
    "Prime Minister",
    "Chancellor",
    "King",
    "Queen",
    "Premier",
];

/// "U.S. Defense Secretary" -> (Some("US"), "Defense Secretary").
fn split_title(title: &str) -> (Option<&'static str>, &str) {
    for (form, country) in lexicon::country_forms() {
        if let Some(rest) = title.strip_prefix(form)
            && let Some(rest) = rest.strip_prefix(' ')
        {
            return (Some(country), rest);
        }
    }
    (None, title)
}

/// Role aliases ("vice president", "defense secretary") that belong to exactly one person.
pub fn unique_roles(people: &[Person], vocab: &Vocab) -> Vec<(usize, Vec<String>)> {
    let roles: Vec<Option<Vec<String>>> = people
        .iter()
        .map(|p| {
            p.title
                .as_ref()
                .map(|t| alias_words(split_title(t).1, vocab))
        })
        .collect();
    roles
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let r = r.as_ref()?;
            let shared = roles
                .iter()
                .enumerate()
                .any(|(j, o)| j != i && o.as_ref() == Some(r));
            (!shared).then(|| (i, r.clone()))
        })
        .collect()
}

/// Capitalised words that are not at the start of a sentence and not part of a person's name.
fn find_names(article: &Article, people: &[Person]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let person_words: Vec<String> = people
        .iter()
        .flat_map(|p| {
            let mut v: Vec<String> = p.name.split(' ').map(str::to_lowercase).collect();
            if let Some(t) = &p.title {
                v.extend(t.split(' ').map(str::to_lowercase));
            }
            v
        })
        .collect();
    for s in &article.sentences {
        for (i, t) in crate::text::tokenize(&s.text).iter().enumerate() {
            let surface = &s.text[t.start..t.end];
            let upper_word = surface.len() > 1 && surface.chars().all(|c| !c.is_lowercase());
            if (i == 0 && !upper_word) || !t.capitalised || t.word.chars().count() < 2 {
                continue;
            }
            if person_words.contains(&t.word)
                || lexicon::TITLES
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(&t.word))
                || lexicon::TIME_WORDS.contains(&t.word.as_str())
            {
                continue;
            }
            let name = surface.trim_end_matches(['’', '\'']).to_string();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

const PRONOUNS: &[&str] = &["he", "she"];
/// Words that introduce a reason or a motive.
const REASONS: &[&str] = &[
    "because",
    "since",
    "due",
    "viewing",
    "believing",
    "seeing",
    "fearing",
    "citing",
    "arguing",
    "proof",
    "reason",
    "reasons",
    "so",
    "argued",
    "argue",
    "argues",
    "therefore",
    "thus",
    "hence",
    "order",
    "aim",
    "aimed",
];
const DIRECTIONS: &[&str] = &[
    "east", "eastern", "west", "western", "north", "northern", "south", "southern",
];

fn sentence_facts(
    k: &Knowledge,
    text: &str,
    words: &[Word],
    last_person: &mut Option<usize>,
) -> Facts {
    let mut f = Facts::default();
    // A future marker makes any time in the sentence an open one ("scheduled to begin in March").
    let mut future = false;
    let lower: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    let mut i = 0;
    while i < lower.len() {
        let mut mention: Option<(usize, usize)> = None;
        if let Some((p, n)) = k.named_person_at(&lower, i) {
            mention = Some((p, n));
        } else if PRONOUNS.contains(&lower[i])
            && let Some(p) = *last_person
        {
            mention = Some((p, 1));
        }
        if let Some((p, n)) = mention {
            if !f.people.contains(&p) {
                f.people.push(p);
            }
            // A speech or stance verb within the next two words makes the person a speaker.
            let after = &lower[i + n..(i + n + 2).min(lower.len())];
            if after.iter().any(|w| lexicon::SPEECH_VERBS.contains(w)) && !f.speakers.contains(&p) {
                f.speakers.push(p);
            }
            if !PRONOUNS.contains(&lower[i]) {
                *last_person = Some(p);
            }
            i += n;
            continue;
        }
        let w = lower[i];
        // A figure; a year is a time, not a figure.
        let year = w.len() == 4 && w.parse::<u32>().is_ok_and(|y| (1900..2100).contains(&y));
        if (w.chars().all(|c| c.is_ascii_digit() || c == '%') && !year)
            || (lexicon::NUMBER_WORDS.contains(&w) && w != "one")
        {
            f.has_number = true;
        }
        if matches!(
            w,
            "if" | "unless"
                | "until"
                | "once"
                | "timeline"
                | "schedule"
                | "soon"
                | "upcoming"
                | "next"
                | "later"
                | "tomorrow"
                | "date"
        ) {
            f.has_open_time = true;
        }
        if matches!(
            w,
            "will" | "scheduled" | "expected" | "planned" | "due" | "upcoming" | "shall"
        ) {
            future = true;
        }
        if year
            || matches!(
                w,
                "january"
                    | "february"
                    | "march"
                    | "april"
                    | "june"
                    | "july"
                    | "august"
                    | "september"
                    | "october"
                    | "november"
                    | "december"
                    | "monday"
                    | "tuesday"
                    | "wednesday"
                    | "thursday"
                    | "friday"
                    | "saturday"
                    | "sunday"
                    | "today"
                    | "yesterday"
                    | "tomorrow"
            )
        {
            f.has_calendar = true;
        }
        // A time, or a condition, which answers "when could ..." as well.
        if lexicon::TIME_WORDS.contains(&w)
            || matches!(w, "if" | "unless" | "until" | "once" | "after" | "before")
            || (w.len() == 4
                && (w.starts_with("19") || w.starts_with("20"))
                && w.parse::<u32>().is_ok())
        {
            f.has_time = true;
        }
        // A place: a compass direction, or a capitalised name (not an acronym) after a
        // preposition of place ("in Donetsk", "from Kyiv").
        let place_word = |j: usize| {
            matches!(
                lower[j],
                "in" | "at"
                    | "from"
                    | "near"
                    | "to"
                    | "into"
                    | "across"
                    | "capture"
                    | "annexed"
                    | "including"
            )
        };
        let after_preposition =
            (i > 0 && place_word(i - 1)) || (i > 1 && lower[i - 1] == "the" && place_word(i - 2));
        let acronym = text[words[i].start..words[i].end]
            .chars()
            .all(|c| !c.is_lowercase());
        let time = lexicon::TIME_WORDS.contains(&w);
        if DIRECTIONS.contains(&w)
            || (words[i].capitalised && after_preposition && !acronym && !time)
        {
            f.has_place = true;
        }
        // "(However,) with deep divisions over X, the road ... remains uncertain": an opening
        // "with" clause gives the circumstance that explains the rest.
        let opening_with = w == "with" && (i == 0 || (i == 1 && lower[0] == "however"));
        if REASONS.contains(&w) || opening_with {
            f.has_reason = true;
        }
        i += 1;
    }
    f.has_open_time |= future && f.has_time;
    f.future = future;
    f
}

/// Quotations in a sentence: (start, end, inner text) with byte offsets of the marks.
fn find_quotes(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, char)> = None;
    for (i, c) in text.char_indices() {
        match (open, c) {
            (None, '“') | (None, '"') => open = Some((i, c)),
            (Some((s, '“')), '”') | (Some((s, '"')), '"') => {
                let inner = text[s..i]
                    .trim_start_matches(['“', '"'])
                    .trim()
                    .trim_end_matches(',')
                    .to_string();
                if !inner.is_empty() {
                    out.push((s, i + c.len_utf8(), inner));
                }
                open = None;
            }
            _ => {}
        }
    }
    out
}

/// Who says a quotation: a name or pronoun with a speech verb right after the closing mark
/// (“...,” he said / “...,” Hegseth said), else the nearest speaker before the quote in the
/// sentence (Zelensky urged ..., calling it “...”), else the nearest person before it.
fn quote_speaker(
    k: &Knowledge,
    words: &[Word],
    qstart: usize,
    qend: usize,
    facts: &Facts,
) -> Option<usize> {
    let lower: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    // After the quote: up to six words naming someone, then a speech verb.
    let after: Vec<usize> = (0..words.len())
        .filter(|&i| words[i].start >= qend)
        .collect();
    if !after.is_empty() {
        let window = &after[..after.len().min(7)];
        for (n, &i) in window.iter().enumerate() {
            if lexicon::SPEECH_VERBS.contains(&lower[i]) {
                // The speaker is the last person (or pronoun) between the quote and the verb,
                // or the person right after the verb ("said Jane Doe").
                for &j in window[..n].iter().rev() {
                    // A name, or a role only one person has ("the mayor said").
                    if let Some((p, _)) = k.person_at(&lower, j) {
                        return Some(p);
                    }
                    if PRONOUNS.contains(&lower[j]) {
                        return facts
                            .people
                            .first()
                            .copied()
                            .or_else(|| facts.speakers.first().copied());
                    }
                }
                // "said Jane Doe", "said association spokesperson Jane Doe".
                if let Some(p) = (i + 1..(i + 5).min(lower.len()))
                    .find_map(|j| k.named_person_at(&lower, j).map(|(p, _)| p))
                {
                    return Some(p);
                }
            }
        }
    }
    // Before the quote: the nearest person followed by a speech verb, then the nearest person.
    let mut nearest: Option<usize> = None;
    let mut nearest_speaker: Option<usize> = None;
    let mut i = 0;
    while i < words.len() && words[i].end <= qstart {
        if let Some((p, n)) = k.named_person_at(&lower, i) {
            nearest = Some(p);
            let next = &lower[i + n..(i + n + 2).min(lower.len())];
            if next.iter().any(|w| lexicon::SPEECH_VERBS.contains(w)) {
                nearest_speaker = Some(p);
            }
            i += n;
            continue;
        }
        if PRONOUNS.contains(&lower[i]) && !facts.people.is_empty() {
            let next = &lower[i + 1..(i + 3).min(lower.len())];
            if next.iter().any(|w| lexicon::SPEECH_VERBS.contains(w)) {
                nearest_speaker = nearest.or(facts.people.first().copied());
            }
        }
        i += 1;
    }
    nearest_speaker.or(nearest)
}

/// A summary of who speaks where, for tests and for `citebot knowledge`.
pub fn describe(k: &Knowledge, article: &Article) -> String {
    let mut out = String::new();
    for p in &k.people {
        let aliases: Vec<String> = p.aliases.iter().map(|a| a.join(" ")).collect();
        out.push_str(&format!(
            "person {} | {}\n",
            p.described(),
            aliases.join(", ")
        ));
    }
    for q in &k.quotes {
        let who = q
            .speaker
            .map(|s| k.people[s].name.clone())
            .unwrap_or_else(|| "?".into());
        out.push_str(&format!(
            "quote {} {who}: {}\n",
            article.sentences[q.sentence].id, q.text
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn check(article: &str, expect: expect_test::Expect) {
        let article = Article::parse(article);
        let vocab = Vocab::new(&[], &[]);
        let k = extract(&article, &vocab, &[]).expect("no curated aliases");
        expect.assert_eq(&describe(&k, &article));
    }

    #[test]
    fn people_titles_aliases_and_quote_speakers_of_the_built_in_article() {
        check(
            include_str!("../config/munich-security-conference.txt"),
            expect![[r#"
                person U.S. President Donald Trump | president donald trump, donald trump, us president, president trump, president us, us leader, leads us, runs us, leader us, head us, trump
                person Russian President Vladimir Putin | president vladimir putin, vladimir putin, russian president, president putin, russia president, president russia, russia leader, leads russia, runs russia, russian leader, leads russian, runs russian, leader russia, head russia, putin
                person Ukraine’s President Volodymyr Zelensky | president volodymyr zelensky, volodymyr zelensky, ukraine president, president zelensky, ukrainian president, president ukraine, ukraine leader, leads ukraine, runs ukraine, ukrainian leader, leads ukrainian, runs ukrainian, leader ukraine, head ukraine, zelensky
                person French President Emmanuel Macron | president emmanuel macron, emmanuel macron, french president, president macron, france president, president france, france leader, leads france, runs france, french leader, leads french, runs french, leader france, head france, macron
                person U.S. Defense Secretary Pete Hegseth | defense secretary pete hegseth, us defense secretary, defense secretary hegseth, defense secretary us, pete hegseth, hegseth, defense secretary
                person U.S. Vice President J.D. Vance | vice president jd vance, us vice president, vice president vance, vice president us, jd vance, vance, vice president
                quote 2.1 Donald Trump: great
                quote 2.1 Donald Trump: horrible, very bloody war.
                quote 3.1 Emmanuel Macron: badly for everyone.
                quote 7.2 Volodymyr Zelensky: We will never recognize occupied territories as Russian
                quote 11.2 Volodymyr Zelensky: the cheapest option for everyone
                quote 12.2 Pete Hegseth: The United States does not believe that NATO membership for Ukraine is a realistic outcome of a negotiated settlement
                quote 14.2 Volodymyr Zelensky: not enough to form a comprehensive peace strategy.
                quote 15.2 J.D. Vance: The president is not walking into this blindly
            "#]],
        );
    }

    #[test]
    fn speakers_after_the_quote_before_it_and_by_pronoun() {
        check(
            "Mayor Jane Doe said the plan works. “It will pass,” she said.\n“We object,” said Councilman Raymond Toller.\nGovernor Ann Lee warned that costs could rise, calling them “a burden.”\n",
            expect![[r#"
                person Mayor Jane Doe | mayor jane doe, jane doe, mayor doe, doe, mayor
                person Councilman Raymond Toller | councilman raymond toller, raymond toller, councilman toller, toller, councilman
                person Governor Ann Lee | governor ann lee, ann lee, governor lee, lee, governor
                quote 1.2 Jane Doe: It will pass
                quote 2.1 Raymond Toller: We object
                quote 3.1 Ann Lee: a burden.
            "#]],
        );
    }

    #[test]
    fn people_named_by_role_courtesy_title_and_apposition() {
        check(
            "Striker Jonah Mbeki scored, and head coach Marta Eklund smiled.\n\
             Carla Mendes, a 38-year-old nurse from Kessler Bay, cheered. Kamara, 19, is young.\n\
             Idris Kamara, who scored, left. Dr. Priya Raman agreed.\n\
             The study was led by glaciologist Elena Marquez-Vidal of the University of Chile.\n\
             \"It hurts,\" said the college's president, Ellen Varga.\n",
            expect![[r#"
                person striker Jonah Mbeki | striker jonah mbeki, jonah mbeki, striker mbeki, mbeki, striker
                person coach Marta Eklund | coach marta eklund, marta eklund, coach eklund, eklund, coach
                person Carla Mendes | carla mendes, mendes
                person Idris Kamara | idris kamara, kamara
                person Priya Raman | priya raman, raman
                person glaciologist Elena Marquez-Vidal | glaciologist elena marquez vidal, elena marquez vidal, glaciologist marquez vidal, marquez vidal, glaciologist
                person president Ellen Varga | president ellen varga, ellen varga, president varga, varga, president
                quote 5.1 Ellen Varga: It hurts
            "#]],
        );
    }

    #[test]
    fn places_organisations_and_words_with_agent_endings_are_not_people() {
        let article = Article::parse(
            "The Northern Football Association said it would review the call.\n\
             Fans gathered after Harbor Street closed, near the former Gallia Lugdunensis.\n\
             The Kessler Bay Rovers, the winners, paraded.\n",
        );
        let vocab = Vocab::new(&[], &[]);
        let k = extract(&article, &vocab, &[]).unwrap();
        assert_eq!(k.people, []);
    }

    #[test]
    fn roles_are_words_for_what_a_person_does() {
        for role in [
            "captain",
            "glaciologist",
            "striker",
            "spokesperson",
            "full-back",
        ] {
            assert!(is_role(role), "{role}");
        }
        for word in ["after", "under", "former", "summer", "the", "percent"] {
            assert!(!is_role(word), "{word}");
        }
    }

    #[test]
    fn a_quote_standing_alone_goes_on_with_the_previous_speaker() {
        check(
            "“It is real,” Jonathan Whitfield said. “A few wet winters could change it.”\n“Another paragraph,” someone wrote.\n",
            expect![[r#"
                person Jonathan Whitfield | jonathan whitfield, whitfield
                quote 1.1 Jonathan Whitfield: It is real
                quote 1.2 Jonathan Whitfield: A few wet winters could change it.
                quote 2.1 ?: Another paragraph
            "#]],
        );
    }

    #[test]
    fn a_bare_role_in_the_text_is_not_taken_for_the_person() {
        let article = Article::parse(
            "Ukraine’s President Volodymyr Zelensky spoke. A pro-Russian Ukrainian president was ousted in 2014.\n",
        );
        let vocab = Vocab::new(&[], &[]);
        let k = extract(&article, &vocab, &[]).unwrap();
        assert_eq!(k.facts[0].people, [0]);
        assert!(k.facts[1].people.is_empty());
        assert!(k.facts[1].has_time);
    }
}
