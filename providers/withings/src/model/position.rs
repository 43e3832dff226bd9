//! Where on the body a measure was taken: a measure's `position` and a heart
//! signal's `wearposition` (reference §4.4).
//!
//! The spec names the auscultation areas only as ranges (15–19 cardiac, 20–27
//! pulmonary); their keys number them in code order.

use super::code::code_table;

code_table! {
    /// A body position.
    pub enum Position {
        RightWrist = 0, "right_wrist", "Right wrist";
        LeftWrist = 1, "left_wrist", "Left wrist";
        RightArm = 2, "right_arm", "Right arm";
        LeftArm = 3, "left_arm", "Left arm";
        RightFoot = 4, "right_foot", "Right foot";
        LeftFoot = 5, "left_foot", "Left foot";
        BetweenLegs = 6, "between_legs", "Between legs";
        /// Seen in real data, absent from the spec table.
        WholeBody = 7, "whole_body", "Whole body";
        LeftBody = 8, "left_body", "Left part of the body";
        RightBody = 9, "right_body", "Right part of the body";
        LeftLeg = 10, "left_leg", "Left leg";
        RightLeg = 11, "right_leg", "Right leg";
        Torso = 12, "torso", "Torso";
        LeftHand = 13, "left_hand", "Left hand";
        RightHand = 14, "right_hand", "Right hand";
        CardiacArea1 = 15, "cardiac_area_1", "Cardiac auscultation area 1";
        CardiacArea2 = 16, "cardiac_area_2", "Cardiac auscultation area 2";
        CardiacArea3 = 17, "cardiac_area_3", "Cardiac auscultation area 3";
        CardiacArea4 = 18, "cardiac_area_4", "Cardiac auscultation area 4";
        CardiacArea5 = 19, "cardiac_area_5", "Cardiac auscultation area 5";
        PulmonaryArea1 = 20, "pulmonary_area_1", "Pulmonary auscultation area 1";
        PulmonaryArea2 = 21, "pulmonary_area_2", "Pulmonary auscultation area 2";
        PulmonaryArea3 = 22, "pulmonary_area_3", "Pulmonary auscultation area 3";
        PulmonaryArea4 = 23, "pulmonary_area_4", "Pulmonary auscultation area 4";
        PulmonaryArea5 = 24, "pulmonary_area_5", "Pulmonary auscultation area 5";
        PulmonaryArea6 = 25, "pulmonary_area_6", "Pulmonary auscultation area 6";
        PulmonaryArea7 = 26, "pulmonary_area_7", "Pulmonary auscultation area 7";
        PulmonaryArea8 = 27, "pulmonary_area_8", "Pulmonary auscultation area 8";
        WideMode = 28, "wide_mode", "Wide mode";
        BetweenArms = 29, "between_arms", "Between arms";
        HoldRight = 30, "hold_right", "Held in the right hand";
        HoldLeft = 31, "hold_left", "Held in the left hand";
    }
}
