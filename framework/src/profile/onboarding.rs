//! The onboarding interview that fills the profile, in English and Brazilian
//! Portuguese.
//!
//! Every Delx connector asks the same questions with the same ids, so a person who
//! onboarded through one connector is not asked again by the next, and an agent can
//! map each answer to the profile keys listed in `fills`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::document::Section;

/// The languages the questions are written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Locale {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "pt-BR")]
    PtBr,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::PtBr => "pt-BR",
        }
    }
}

/// One onboarding question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    pub id: &'static str,
    /// The section its answer goes to.
    pub category: Section,
    pub required: bool,
    /// `section.key` paths the answer fills.
    pub fills: &'static [&'static str],
    en: &'static str,
    pt_br: &'static str,
}

impl Question {
    pub fn prompt(&self, locale: Locale) -> &'static str {
        match locale {
            Locale::En => self.en,
            Locale::PtBr => self.pt_br,
        }
    }
}

/// What the person is told about where answers go.
pub fn privacy_note(locale: Locale) -> &'static str {
    match locale {
        Locale::En => {
            "Your answers are saved only on this computer, in a file only your user account can read, \
             and your other Delx wellness connectors read the same file. Share only what you are \
             comfortable with, and never passwords, tokens or other credentials: the profile refuses them."
        }
        Locale::PtBr => {
            "Suas respostas ficam salvas só neste computador, num arquivo que apenas a sua conta de \
             usuário consegue ler, e os outros conectores Delx de bem-estar usam o mesmo arquivo. \
             Compartilhe só o que quiser, e nunca senhas, tokens ou outras credenciais: o perfil recusa \
             esse tipo de dado."
        }
    }
}

/// The interview, in the order to ask it.
pub const QUESTIONS: [Question; 11] = [
    Question {
        id: "preferred_name",
        category: Section::Profile,
        required: false,
        fills: &["profile.preferred_name"],
        en: "What should I call you?",
        pt_br: "Como você gostaria que eu te chamasse?",
    },
    Question {
        id: "locale_timezone_units",
        category: Section::Profile,
        required: true,
        fills: &["profile.language", "profile.timezone", "profile.units"],
        en: "Which language should I use with you (English or Brazilian Portuguese), which time zone \
             do you live in, and do you think in metric or imperial units?",
        pt_br: "Em que idioma prefere conversar (português ou inglês), qual é o seu fuso horário e você \
                usa unidades métricas ou imperiais?",
    },
    Question {
        id: "body_basics",
        category: Section::Profile,
        required: false,
        fills: &[
            "profile.age_or_birth_year",
            "profile.height",
            "profile.weight",
            "profile.sex_or_gender_context",
        ],
        en: "If you are comfortable sharing: your age or birth year, height, weight, and any sex or \
             gender context that matters for your training. Skip whatever you would rather keep to yourself.",
        pt_br: "Se quiser compartilhar: idade ou ano de nascimento, altura, peso e algum contexto de sexo \
                ou gênero que importe para o seu treino. Pode pular o que preferir não contar.",
    },
    Question {
        id: "primary_goal",
        category: Section::Goals,
        required: true,
        fills: &["goals.primary"],
        en: "What is the one result you care about most over the next few months? For example sleeping \
             better, losing fat, building endurance, or getting back into shape after a break.",
        pt_br: "Qual é o resultado que mais importa para você nos próximos meses? Por exemplo: dormir \
                melhor, perder gordura, ganhar resistência ou voltar à forma depois de uma pausa.",
    },
    Question {
        id: "secondary_goals",
        category: Section::Goals,
        required: false,
        fills: &[
            "goals.secondary",
            "goals.training_focus",
            "goals.recovery_focus",
            "goals.nutrition_focus",
            "goals.sleep_focus",
            "goals.biggest_friction",
        ],
        en: "Is there anything else you want to work on alongside it, in training, recovery, food or \
             sleep? And what usually gets in the way?",
        pt_br: "Tem mais alguma coisa que você quer melhorar junto, no treino, na recuperação, na \
                alimentação ou no sono? E o que costuma atrapalhar?",
    },
    Question {
        id: "devices",
        category: Section::Devices,
        required: true,
        fills: &[
            "devices.connected",
            "devices.desired",
            "devices.primary_recovery_source",
            "devices.primary_activity_source",
        ],
        en: "Which devices and apps do you use today, and are you planning to add any? Which one do you \
             trust most for sleep and recovery, and which for activity?",
        pt_br: "Quais aparelhos e apps você usa hoje, e pensa em adicionar algum? Em qual você mais confia \
                para sono e recuperação, e em qual para atividade física?",
    },
    Question {
        id: "training_context",
        category: Section::Training,
        required: true,
        fills: &[
            "training.sports",
            "training.weekly_schedule",
            "training.limitations",
        ],
        en: "Which sports or activities do you do, what does a normal training week look like, and is \
             there any limitation I should plan around?",
        pt_br: "Que esportes ou atividades você pratica, como é uma semana normal de treino e existe \
                alguma limitação que eu deva levar em conta?",
    },
    Question {
        id: "nutrition_context",
        category: Section::Nutrition,
        required: false,
        fills: &[
            "nutrition.dietary_preferences",
            "nutrition.restrictions_or_allergies",
            "nutrition.protein_target_g",
            "nutrition.hydration_target_ml",
            "nutrition.calorie_target",
        ],
        en: "How do you like to eat? Mention any diet, restrictions or allergies, and any targets you \
             follow for protein, water or calories.",
        pt_br: "Como é a sua alimentação? Conte se segue alguma dieta, se tem restrições ou alergias e se \
                acompanha metas de proteína, água ou calorias.",
    },
    Question {
        id: "exercise_preferences",
        category: Section::Training,
        required: false,
        fills: &[
            "training.location",
            "training.equipment",
            "training.preferred_duration_minutes",
            "training.exercises_to_avoid",
        ],
        en: "Where do you usually train, what equipment do you have, how long can a session last, and \
             are there exercises you would rather avoid?",
        pt_br: "Onde você costuma treinar, que equipamentos tem à mão, quanto tempo pode durar uma sessão \
                e há exercícios que prefere evitar?",
    },
    Question {
        id: "agent_preferences",
        category: Section::Preferences,
        required: false,
        fills: &[
            "preferences.reply_style",
            "preferences.language_priority",
            "preferences.ask_before_logging",
            "preferences.include_exercise_videos_when_available",
        ],
        en: "How should I answer you: short and to the point, or with more detail? Should I check with \
             you before logging anything, and would you like exercise videos when there are some?",
        pt_br: "Como prefere as minhas respostas: curtas e diretas ou mais detalhadas? Devo confirmar com \
                você antes de registrar algo, e quer vídeos dos exercícios quando houver?",
    },
    Question {
        id: "safety_context",
        category: Section::Safety,
        required: false,
        fills: &[
            "safety.injuries_or_pain",
            "safety.medical_constraints",
            "safety.conservative_flags",
        ],
        en: "Do you have any injuries, pain, or advice from a health professional that I should respect? \
             I will stay cautious around them, and I am no replacement for your doctor.",
        pt_br: "Você tem alguma lesão, dor ou orientação de um profissional de saúde que eu deva respeitar? \
                Vou ser cuidadoso nesses pontos, e isso não substitui o acompanhamento do seu médico.",
    },
];
