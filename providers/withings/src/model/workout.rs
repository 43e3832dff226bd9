//! Workout categories (reference §4.6): a getworkouts record's `category`.
//!
//! Code 36 is Withings' own "Other" category; a code outside the table is
//! `Unknown(code)`, not 36.

use super::code::code_table;

code_table! {
    /// A workout category.
    pub enum WorkoutCategory {
        Walk = 1, "walk", "Walk";
        Run = 2, "run", "Run";
        Hiking = 3, "hiking", "Hiking";
        Skating = 4, "skating", "Skating";
        Bmx = 5, "bmx", "BMX";
        Bicycling = 6, "bicycling", "Bicycling";
        Swimming = 7, "swimming", "Swimming";
        Surfing = 8, "surfing", "Surfing";
        Kitesurfing = 9, "kitesurfing", "Kitesurfing";
        Windsurfing = 10, "windsurfing", "Windsurfing";
        Bodyboard = 11, "bodyboard", "Bodyboard";
        Tennis = 12, "tennis", "Tennis";
        TableTennis = 13, "table_tennis", "Table tennis";
        Squash = 14, "squash", "Squash";
        Badminton = 15, "badminton", "Badminton";
        LiftWeights = 16, "lift_weights", "Lift weights";
        Fitness = 17, "fitness", "Fitness (calisthenics)";
        Elliptical = 18, "elliptical", "Elliptical";
        Pilates = 19, "pilates", "Pilates";
        Basketball = 20, "basketball", "Basketball";
        Soccer = 21, "soccer", "Soccer";
        Football = 22, "football", "Football";
        Rugby = 23, "rugby", "Rugby";
        Volleyball = 24, "volleyball", "Volleyball";
        Waterpolo = 25, "waterpolo", "Waterpolo";
        HorseRiding = 26, "horse_riding", "Horse riding";
        Golf = 27, "golf", "Golf";
        Yoga = 28, "yoga", "Yoga";
        Dancing = 29, "dancing", "Dancing";
        Boxing = 30, "boxing", "Boxing";
        Fencing = 31, "fencing", "Fencing";
        Wrestling = 32, "wrestling", "Wrestling";
        MartialArts = 33, "martial_arts", "Martial arts";
        Skiing = 34, "skiing", "Skiing";
        Snowboarding = 35, "snowboarding", "Snowboarding";
        Other = 36, "other", "Other";
        NoActivity = 128, "no_activity", "No activity";
        Rowing = 187, "rowing", "Rowing";
        Zumba = 188, "zumba", "Zumba";
        Baseball = 191, "baseball", "Baseball";
        Handball = 192, "handball", "Handball";
        Hockey = 193, "hockey", "Hockey";
        IceHockey = 194, "ice_hockey", "Ice hockey";
        Climbing = 195, "climbing", "Climbing";
        IceSkating = 196, "ice_skating", "Ice skating";
        MultiSport = 272, "multi_sport", "Multi-sport";
        IndoorWalk = 306, "indoor_walk", "Indoor walk";
        IndoorRunning = 307, "indoor_running", "Indoor running";
        IndoorCycling = 308, "indoor_cycling", "Indoor cycling";
        Sup = 455, "sup", "Stand-up paddle";
        Padel = 456, "padel", "Padel";
        Gaming = 457, "gaming", "Gaming";
        BeachVolleyball = 490, "beach_volleyball", "Beach volleyball";
        StairStepper = 491, "stair_stepper", "Stair stepper";
        Skateboarding = 492, "skateboarding", "Skateboarding";
        Parkour = 493, "parkour", "Parkour";
        Kayaking = 494, "kayaking", "Kayaking";
        Canoeing = 495, "canoeing", "Canoeing";
        Sailing = 496, "sailing", "Sailing";
        Fishing = 497, "fishing", "Fishing";
        TrailRunning = 498, "trail_running", "Trail running";
        Snowshoeing = 499, "snowshoeing", "Snowshoeing";
        Paintball = 500, "paintball", "Paintball";
        Archery = 501, "archery", "Archery";
        Scuba = 502, "scuba", "Scuba diving";
        BaseballTraining = 503, "baseball_training", "Baseball training";
        Biathlon = 504, "biathlon", "Biathlon";
        Bocce = 505, "bocce", "Bocce";
        Petanque = 506, "petanque", "Pétanque";
        Paragliding = 507, "paragliding", "Paragliding";
        Frisbee = 508, "frisbee", "Frisbee";
        Skydiving = 509, "skydiving", "Skydiving";
        Pickleball = 510, "pickleball", "Pickleball";
        Cornhole = 511, "cornhole", "Cornhole";
        Dodgeball = 512, "dodgeball", "Dodgeball";
        Ultimate = 513, "ultimate", "Ultimate";
        Teqball = 514, "teqball", "Teqball";
        WheelchairRunPace = 515, "wheelchair_run_pace", "Wheelchair (run pace)";
        WheelchairWalkPace = 516, "wheelchair_walk_pace", "Wheelchair (walk pace)";
        Athletics = 517, "athletics", "Athletics";
        TrackCycling = 518, "track_cycling", "Track cycling";
        Pentathlon = 519, "pentathlon", "Pentathlon";
        SportShooting = 520, "sport_shooting", "Sport shooting";
        Triathlon = 521, "triathlon", "Triathlon";
        Diving = 522, "diving", "Diving";
        Mtb = 523, "mtb", "Mountain biking";
        Gravel = 524, "gravel", "Gravel cycling";
        EBike = 525, "e_bike", "E-bike";
        EMtb = 526, "e_mtb", "E-mountain bike";
        Handcycling = 527, "handcycling", "Handcycling";
        Velomobile = 528, "velomobile", "Velomobile";
        BackcountrySki = 529, "backcountry_ski", "Backcountry ski";
        NordicSki = 530, "nordic_ski", "Nordic ski";
        RollerSki = 531, "roller_ski", "Roller ski";
        Racquetball = 532, "racquetball", "Racquetball";
        HipHop = 534, "hip_hop", "Hip hop";
        MuayThai = 535, "muay_thai", "Muay thai";
        Taekwondo = 536, "taekwondo", "Taekwondo";
        Judo = 537, "judo", "Judo";
        Trampoline = 538, "trampoline", "Trampoline";
        StandingFrame = 539, "standing_frame", "Standing frame";
        SeatedStrength = 540, "seated_strength", "Seated strength";
        SeatedCardio = 541, "seated_cardio", "Seated cardio";
        WalkWithWalker = 542, "walk_with_walker", "Walk with walker";
        WalkWithCane = 543, "walk_with_cane", "Walk with cane";
        Breaking = 544, "breaking", "Breaking";
        Chores = 545, "chores", "Chores";
        Crossfit = 546, "crossfit", "Crossfit";
        Spinclass = 547, "spinclass", "Spinclass";
        Cricket = 548, "cricket", "Cricket";
        Flamenco = 549, "flamenco", "Flamenco";
        Hiit = 550, "hiit", "HIIT";
        Meditation = 551, "meditation", "Meditation";
        Stretching = 552, "stretching", "Stretching";
        YardWork = 553, "yard_work", "Yard work";
        Cleaning = 554, "cleaning", "Cleaning";
        PublicSpeaking = 555, "public_speaking", "Public speaking";
        Spikeball = 556, "spikeball", "Spikeball";
        Lacrosse = 557, "lacrosse", "Lacrosse";
        BabyWearing = 558, "baby_wearing", "Baby wearing";
        DogWalking = 559, "dog_walking", "Dog walking";
        BreathingExercises = 560, "breathing_exercises", "Breathing exercises";
        BalanceDrills = 561, "balance_drills", "Balance drills";
        PushingAStroller = 562, "pushing_a_stroller", "Pushing a stroller";
        ToddlerWearing = 563, "toddler_wearing", "Toddler wearing";
        Bowling = 564, "bowling", "Bowling";
        Lasertag = 565, "lasertag", "Lasertag";
        NordicWalking = 566, "nordic_walking", "Nordic walking";
        SumoWrestling = 567, "sumo_wrestling", "Sumo wrestling";
        Cooking = 568, "cooking", "Cooking";
    }
}

#[cfg(test)]
mod tests {
    use super::WorkoutCategory;

    #[test]
    fn the_whole_table_is_there() {
        // 36 + 13 + 23 + 23 + 35 codes in the five lines of the reference.
        assert_eq!(WorkoutCategory::ALL.len(), 130);
        assert_eq!(WorkoutCategory::from_code(1).key(), "walk");
        assert_eq!(WorkoutCategory::from_code(36), WorkoutCategory::Other);
        assert_eq!(WorkoutCategory::from_code(506).label(), "Pétanque");
        assert_eq!(WorkoutCategory::from_code(568), WorkoutCategory::Cooking);
    }

    #[test]
    fn an_unknown_category_is_kept_apart_from_other() {
        let unknown: WorkoutCategory = serde_json::from_str("999").unwrap();
        assert_eq!(unknown, WorkoutCategory::Unknown(999));
        assert_ne!(unknown, WorkoutCategory::Other);
        assert_eq!(unknown.key(), "unknown");
        assert_eq!(serde_json::to_string(&unknown).unwrap(), "999");
    }
}
