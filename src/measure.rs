//! Kinds of quantity: what a question asks to be measured ("how much did it cost?" asks for
//! money, "how old is she?" for an age, "what time?" for a time of day) and which of them a
//! sentence states ("$4 million", "Kamara, 19,", "at 7:30 p.m.").
//!
//! A question asking for a figure is answered by a sentence that has one, but not by any
//! figure: "how much do the tickets cost?" is not answered by "a crowd of 41,000". The kinds
//! are the numeric answer types of question-answering taxonomies (money, age, time of day,
//! length, percentage, duration, speed, temperature), each with a pattern for the questions
//! that ask for it and one for the statements that give it, in [`MEASURES`]. General English;
//! nothing about any article.

use regex::{Regex, RegexSet};
use std::sync::OnceLock;

/// A kind of quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Money,
    Age,
    ClockTime,
    Length,
    Percentage,
    Duration,
    Speed,
    Temperature,
}

/// Each kind: the pattern of a question (lower case, normalised words) that asks for it, and
/// the pattern of a sentence (as written) that states one. The first question pattern that
/// matches decides.
const MEASURES: &[(Measure, &str, &str)] = &[
    (
        Measure::Money,
        r"\bhow much (money|cash)\b|\bhow much\b.*\b(cost|costs|costing|pay|pays|paid|earn|earns|earned|earning|price|priced|worth|spend|spends|spent|budget|salary|wage|wages|charge|charges|charged|fee|fees|fine|fined|sell|sells|sold|invest|invested|owe|owes|owed|raise|raised|fund|funding)\b|\bwhat (is|was|were|are|s)? ?(the |a |an |their |its |his |her )?(price|cost|salary|wage|fee|budget|fine)\b",
        r"[$€£¥]\s?\d|\d[\d,.]*\s?(-| )?(dollars?|euros?|pounds?|cents?|pence|usd|eur|gbp|yen|francs?|rubles?|roubles?|hryvnias?)\b|\b(dollars|euros|pounds sterling)\b",
    ),
    (
        Measure::Age,
        r"\bhow old\b|\bwhat age\b|\bage of\b",
        r"\b\d{1,3}[- ]years?[- ]old\b|\baged? \d{1,3}\b|\p{Lu}\p{Ll}+, \d{1,3},|\bborn\b|\bin (his|her|their) (teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|\d0s)\b",
    ),
    (
        Measure::ClockTime,
        r"\bwhat time\b|\b(at )?what hour\b",
        r"(?i)\b\d{1,2}(:\d\d)?\s?(a\.?m\b|p\.?m\b)|\b\d{1,2}:\d\d\b|\b(noon|midnight|midday|o'clock|morning|afternoon|evening|tonight|overnight|dawn|dusk)\b",
    ),
    (
        Measure::Length,
        r"\bhow (tall|high|far|deep|wide|thick)\b|\bwhat (height|distance|depth|length|width)\b",
        r"(?i)\d[\d,.]*\s?(-| )?(feet|foot|ft|metres?|meters?|m|km|kilomet(re|er)s?|miles?|inch(es)?|cm|centimet(re|er)s?|millimet(re|er)s?|mm|yards?|storeys?|stories|floors?)\b",
    ),
    (
        Measure::Percentage,
        r"\bwhat (percent|percentage|per cent|share|proportion|fraction)\b|\bhow much of\b|\bby how much\b",
        r"(?i)%|\bper ?cent\b|\b(half|third|thirds|quarter|quarters|fifth|tenth|doubled|tripled|halved)\b",
    ),
    (
        Measure::Duration,
        r"\bhow long\b|\bfor how many (years|months|weeks|days|hours)\b",
        r"(?i)\b(\d[\d,.]*|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|few|many|\w+teen|twenty|thirty|forty|fifty|sixty|hundred)\s?(-| )?(years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|century|centuries|seasons?|nights?)\b|\b(since|until|till|through)\b",
    ),
    (
        Measure::Speed,
        r"\bhow fast\b|\bwhat speed\b|\bhow quickly\b",
        r"(?i)\b(mph|km/h|kph|knots|per hour|an hour|a day|a year|per (day|week|month|year|second))\b",
    ),
    (
        Measure::Temperature,
        r"\bhow (hot|cold|warm)\b|\bwhat temperature\b",
        r"(?i)°|\bdegrees?\b|\b(celsius|fahrenheit)\b",
    ),
];

struct Compiled {
    asks: Vec<(Measure, Regex)>,
    /// Every statement pattern in one set: a sentence is read once for all of them.
    states: RegexSet,
}

fn compiled() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        // ASCII word boundaries: the figures and units are ASCII, and a Unicode boundary
        // would make the matcher slow on any sentence with a curly quote.
        let ascii = |p: &str| p.replace(r"\b", r"(?-u:\b)");
        let re = |p: &str| Regex::new(&ascii(p)).expect("the measure patterns are valid");
        let states = RegexSet::new(MEASURES.iter().map(|(_, _, s)| ascii(s)))
            .expect("the measure patterns are valid");
        Compiled {
            asks: MEASURES.iter().map(|(m, q, _)| (*m, re(q))).collect(),
            states,
        }
    })
}

/// The kind of quantity a question asks for, if any. "How long ago" asks for a time, not a
/// duration.
pub fn asked(question: &str) -> Option<Measure> {
    compiled()
        .asks
        .iter()
        .find(|(m, re)| {
            re.is_match(question) && !(*m == Measure::Duration && question.contains("how long ago"))
        })
        .map(|(m, _)| *m)
}

/// The kinds of quantity `sentence` (as written) states.
pub fn stated(sentence: &str) -> Vec<Measure> {
    compiled()
        .states
        .matches(sentence)
        .into_iter()
        .map(|i| MEASURES[i].0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Measure::*;

    #[test]
    fn questions_ask_for_their_kind() {
        for (q, want) in [
            ("how much did the new stadium cost", Some(Money)),
            ("how much does ferreira earn a week", Some(Money)),
            ("what s the price of a ticket", Some(Money)),
            ("how much money did they raise", Some(Money)),
            ("how old is the goalkeeper", Some(Age)),
            ("what time did the match kick off", Some(ClockTime)),
            ("how tall were the flames", Some(Length)),
            ("how far is the plant from the river", Some(Length)),
            ("what percentage of voters turned out", Some(Percentage)),
            ("how much of ukraine does russia control", Some(Percentage)),
            ("how long will he be out", Some(Duration)),
            ("how fast is the glacier melting", Some(Speed)),
            ("how hot did it get", Some(Temperature)),
            ("how long ago did it happen", None),
            ("how much land has russia taken", None),
            ("how many people attended", None),
            ("who won the final", None),
        ] {
            assert_eq!(asked(q), want, "{q}");
        }
    }

    #[test]
    fn sentences_state_their_kind() {
        for (s, m) in [
            ("The stadium cost $450 million to build.", Money),
            ("Tickets sold for 40 euros each.", Money),
            ("Defender Ali Kamara, 19, scored.", Age),
            ("The 38-year-old nurse said so.", Age),
            ("Kick-off was at 7:30 p.m. local time.", ClockTime),
            ("The meeting ran until midnight.", ClockTime),
            ("Flames reached 30 metres in places.", Length),
            ("The ridge is 12 km from town.", Length),
            ("Turnout was 41%.", Percentage),
            ("Nearly half of the glaciers shrank.", Percentage),
            ("He will miss six weeks.", Duration),
            ("She has worked there since 2009.", Duration),
            ("The ice retreats 20 metres a year.", Speed),
            ("Temperatures topped 40 degrees.", Temperature),
        ] {
            assert!(stated(s).contains(&m), "{s} should state {m:?}");
        }
        for (s, m) in [
            ("A crowd of 41,000 watched the final.", Money),
            ("A crowd of 41,000 watched the final.", Age),
            ("The team won 3-2 on Saturday.", ClockTime),
            ("The mayor spoke for the county.", Length),
            ("The vote was held in March.", Duration),
        ] {
            assert!(!stated(s).contains(&m), "{s} should not state {m:?}");
        }
    }
}
