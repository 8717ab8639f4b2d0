package triage

import (
	"slices"
	"strings"
	"testing"
)

// redFlagCases has one message per rule in redflags.tsv; TestRedFlagCoverage keeps it
// complete.
var redFlagCases = []struct {
	rule string
	text string
}{
	{"arrest", "아버지가 심장이 멈춘 것 같아요"},
	{"not_breathing", "아이가 숨을 안 쉬어요"},
	{"choking", "떡이 걸려서 캑캑거려요"},
	{"unconscious", "할머니가 갑자기 쓰러지셨어요"},
	{"confusion", "엄마가 갑자기 횡설수설하세요"},
	{"stroke_weakness", "아침부터 한쪽 팔다리에 힘이 빠져요"},
	{"stroke_speech", "남편 말이 어눌해졌어요"},
	{"stroke_face", "갑자기 입이 한쪽으로 돌아갔어요"},
	{"worst_headache", "살면서 가장 심한 두통이에요"},
	{"sudden_headache", "갑자기 머리가 깨질 듯이 아파요"},
	{"headache_fever_neck", "열이 39도이고 목이 뻣뻣해요"},
	{"seizure", "아이가 경련을 해요"},
	{"chest_sweat", "가슴이 아프고 식은땀이 나요"},
	{"chest_crushing", "가슴을 쥐어짜는 것 같아요"},
	{"chest_breath", "가슴이 아프고 숨이 차요"},
	{"chest_severe", "가슴이 너무 아파요"},
	{"chest_faint", "가슴이 두근거리다 기절했어요"},
	{"palpitation_severe", "갑자기 심장이 두근거려요"},
	{"dyspnea_severe", "숨이 너무 차요"},
	{"dyspnea_infant", "5개월 아기가 숨쉬기 힘들어해요"},
	{"anaphylaxis", "새우 먹고 입술이 부었어요"},
	{"anaphylaxis_breath", "땅콩 먹고 숨쉬기가 힘들어요"},
	{"bleeding", "피가 안 멈춰요"},
	{"vomit_blood", "피를 토했어요"},
	{"black_stool", "짜장 같은 검은 변을 봤어요"},
	{"blood_stool_severe", "혈변이 많이 나오고 어지러워요"},
	{"poisoning", "수면제를 많이 먹었어요"},
	{"swallowed", "아이가 동전을 삼켰어요"},
	{"burn_severe", "끓는 물에 데었는데 너무 아파요"},
	{"open_fracture", "다리 뼈가 살을 뚫고 나왔어요"},
	{"fracture", "팔이 부러진 것 같아요"},
	{"head_injury", "머리를 부딪히고 계속 토해요"},
	{"head_injury_child", "머리를 세게 부딪혔는데 너무 아파요"},
	{"abdomen_severe", "배가 찢어질 듯 아파요"},
	{"appendicitis", "오른쪽 아랫배가 아프고 열이 나요"},
	{"abdomen_rigid", "배가 너무 아프고 계속 토해요"},
	{"infant_fever", "생후 50일 아기가 열이 나요"},
	{"child_high_fever", "열이 40.2도까지 올라요"},
	{"dehydration", "아기가 탈수 같아요"},
	{"vision_loss", "갑자기 한쪽 눈이 안 보여요"},
	{"vision_sudden", "갑자기 시야가 흐려졌어요"},
	{"eye_chemical", "눈에 락스가 튀었어요"},
	{"pregnant_bleeding", "임신 10주인데 하혈을 해요"},
	{"pregnant_pain", "임신 중인데 배가 너무 아파요"},
	{"labor", "양수가 터진 것 같아요"},
	{"retention", "소변이 안 나오고 아랫배가 아파요"},
	{"testis", "갑자기 고환이 너무 아파요"},
	{"heat", "더위 먹고 쓰러졌어요"},
	{"suicidal", "죽고 싶어요"},
	{"self_harm", "자해를 했어요"},
	{"harm_others", "누군가를 죽이고 싶어요"},
	{"stab", "칼에 찔렸어요"},
	{"shock", "얼굴이 창백하고 식은땀이 나요"},
	{"bloody_diarrhea_fever", "피 섞인 설사에 열이 39도예요"},
	{"cant_walk_injury", "넘어졌는데 걸을 수가 없어요"},
	{"chest_radiate", "가슴이 아프고 왼팔까지 저려요"},
	{"mentions_119", "119 불러야 할까요"},
	{"nosebleed_long", "코피가 한 시간째 안 멈춰요"},
	{"palpitation_long", "두근거림이 안 멈춰요"},
	{"pulse", "맥박이 160이에요"},
	{"sugar", "혈당이 450 나왔어요"},
	{"bp_headache", "혈압이 190이고 머리가 아파요"},
	{"fall_height", "사다리에서 떨어져서 허리를 다쳤어요"},
	{"fall_height_any", "높은 데서 떨어졌어요"},
	{"burn_body", "온몸에 화상을 입었어요"},
	{"burn_wide", "손바닥 전체에 화상을 입었어요"},
	{"deep_wound", "손가락을 깊게 베였어요"},
	{"bite", "개한테 물렸어요"},
	{"child_lethargy", "아이가 축 처져서 잘 안 깨요"},
	{"intussusception", "아기가 딸기잼 같은 변을 봤어요"},
	{"inhaler_fail", "흡입기를 써도 숨이 차요"},
	{"petechiae_fever", "열이 나고 몸에 멍 같은 점이 생겼어요"},
	{"deform", "넘어졌는데 손목 모양이 이상해요"},
	{"child_ate_drug", "아이가 할머니 혈압약을 먹었어요"},
	{"dkaa", "당뇨가 있는데 토하고 숨이 가빠요"},
	{"glaucoma", "눈이 아프고 침침하면서 토할 것 같아요"},
	{"sudden_hearing", "갑자기 귀가 안 들리고 어지러워요"},
	{"vertigo_vomit", "갑자기 빙글빙글 돌고 계속 토해요"},
	{"abdomen_sudden", "갑자기 배가 아프고 토해요"},
	{"allergy_swell", "벌에 쏘였는데 팔이 퉁퉁 부었어요"},
	{"dehydration_vomit", "계속 토해서 물도 못 마셔요"},
	{"flank_fever", "옆구리가 너무 아프고 열이 나요"},
	{"crush", "문에 손가락이 끼었는데 피가 나요"},
	{"ear_foreign", "귀에 벌레가 들어갔어요"},
	{"blood_sputum", "피 섞인 가래가 계속 나와요 숨도 차요"},
	{"rigid_abd", "배가 딱딱하고 너무 아파요"},
	{"mentions_er", "응급실 가야 할까요"},
	{"shock_signs", "70대 남성, 맥박이 약하고 잘 안 잡힘, 식은땀"},
	{"shock_signs", "쇼크 상태로 내원"},
	{"hypotension", "혈압 80/50, 창백함"},
	{"spo2", "산소포화도 85%로 측정됨"},
	{"paralysis", "낙상 후 사지 마비 호소"},
	{"paralysis", "갑자기 양쪽 다리에 힘이 안 들어가요"},
	{"stroke_signs", "뇌졸중 의심, 우측 편마비 있음"},
	{"stroke_signs", "아빠 입꼬리가 처지고 한쪽 팔이 툭 떨어져요"},
	{"htn_crisis", "고혈압 위기, 두통과 흐린 시야"},
	{"bp_very_high", "혈압을 재 보니 230이 나왔어요"},
	{"hypoglycemia", "저혈당 같은데 식은땀이 나고 말이 이상해요"},
	{"hypothermia", "저체온 상태로 발견됨"},
	{"sepsis", "패혈증 의심으로 전원"},
	{"fever_shock", "열이 39도인데 혈압이 85/50이에요"},
	{"immunosup_fever", "항암치료 중인데 열이 38.5도예요"},
	{"trauma_severe", "차에 치였는데 머리에서 피가 나요"},
	{"anaphylaxis_word", "아나필락시스 온 것 같아요 에피펜 써야 하나요"},
	{"acute_abdomen", "복막자극 징후 있는 복통 환자"},
	{"airway_swelling", "침을 못 삼키고 질질 흘리며 숨쉬기 힘들어해요"},
	{"drowning", "아이가 물에 빠졌다가 건져졌어요"},
	{"sting_systemic", "벌에 쏘였는데 토하고 어지러워요"},
	{"tooth_out", "넘어지면서 앞니가 통째로 빠졌어요"},
	{"fetal", "임신 32주인데 태동이 없어요"},
	{"preeclampsia", "임신중독이라는데 머리가 아프고 눈이 침침해요"},
	{"heavy_vag", "하혈이 심해서 생리대를 한 시간마다 갈아요"},
	{"priapism", "발기가 네 시간째 안 풀려요"},
	{"eye_trauma", "나뭇가지에 눈을 찔렸어요"},
	{"assault", "성폭행을 당했어요"},
	{"resp_arrest", "호흡 정지 상태로 발견"},
	{"chest_tear", "등이 찢어지는 것처럼 아파요"},
	{"amputation", "기계에 손가락이 잘렸어요"},
	{"pain_score", "복통, 통증 점수 9점"},
	{"unconscious", "의식 저하 상태로 내원"},
	{"unconscious", "혼수상태예요"},
	{"confusion", "80대 여성, 지남력 저하, 혼미"},
	{"not_breathing", "중증 호흡곤란, 청색증"},
	{"bleeding", "대량 출혈로 내원"},
	{"seizure", "경련이 멈추지 않아요"},
	{"black_stool", "흑색변을 보고 어지러워요"},
	{"shock_combo", "교통사고 후 창백하고 빈맥 130"},
	{"acs", "흉통 30분, 심전도상 ST 상승"},
	{"pe", "폐색전 의심, 갑작스런 호흡곤란"},
	{"blunt_trauma", "복부 타박 후 창백하고 배가 아파요"},
	{"major_fracture", "대퇴골 골절 의심"},
	{"pulseless", "발등 맥박 없음, 다리가 차가움"},
	{"gi_bleed", "선홍색 혈변 다량"},
	{"dka", "당뇨 환자, 혈당 측정 불가(HI), 구토"},
	{"metabolic", "투석을 못 해서 숨이 차요"},
	{"neuromuscular", "길랭바레 의심, 다리부터 힘이 빠짐"},
	{"burn_major", "밀폐 공간 화재, 흡입 화상 의심"},
	{"bilious", "아기가 초록색 구토를 해요"},
	{"fontanelle", "아기 대천문이 볼록 튀어나왔어요"},
	{"orbital", "눈 주위가 붓고 고열, 안와 주위 연조직염 의심"},
	{"ill_fever", "열이 39도이고 많이 아파 보여요"},
	{"infant_cold", "생후 3주 아기 체온이 35.2도예요"},
	{"low_temp", "할머니 체온이 35도로 떨어지고 기운이 없어요"},
	{"spo2_er", "산소포화도 93%, 기침"},
	{"pregnant_trauma", "임신 28주인데 넘어져서 배를 부딪혔고 배가 아파요"},
	{"stone_severe", "요로결석이 있는데 너무 아파서 토했어요"},
	{"stroke_arm", "갑자기 한쪽 팔을 못 쓰고 말이 어눌해요"},
	{"leg_clot", "어머니 종아리가 갑자기 한쪽만 퉁퉁 부었어요"},
	{"high_mech", "고위험 사고기전: 차량 전복, 동승자 사망"},
	{"sting_history", "벌에 쏘였어요. 예전에 알레르기로 쓰러진 적이 있어요"},
	{"throat_breath", "목이 붓고 열이 나는데 숨쉬기가 힘들어요"},
	{"crushed", "팔이 기계에 끼어서 으스러졌어요"},
	{"epigastric_sweat", "명치가 뻐근하고 식은땀 범벅에 토할 것 같아요"},
	{"pregnant_bp", "임신 35주인데 두통이 심하고 혈압이 170이에요"},
	{"inconsolable", "아기가 자지러지게 울고 계속 토해요"},
	{"arrhythmia", "VT 의심, HR 200, 어지러움"},
	{"electrical", "공사장에서 고압선에 감전됐어요"},
	{"head_pupil", "아들이 머리를 세게 다친 뒤 동공 크기가 달라요"},
	{"incarcerated", "아기 탈장 부위가 딱딱하게 튀어나와 안 들어가요"},
	{"tia", "아까 오른팔에 잠깐 힘이 빠졌다가 10분 만에 돌아왔어요"},
	{"tia", "남편이 말이 안 나왔다가 지금은 괜찮아졌어요"},
	{"seizure_ended", "세 살 딸이 경련하다가 멈췄어요 지금은 자요"},
	{"syncope_recovered", "할아버지가 화장실에서 쓰러지셨다가 바로 깨셨어요"},
	{"deform_joint", "발목이 돌아가서 퉁퉁 부었어요"},
	{"red_spread_fever", "종아리가 빨갛게 번지면서 열이 38.7도예요"},
	{"abdomen_cant_move", "배가 아파서 허리를 못 펴고 웅크리고 있어요"},
	{"tongue_swell", "혈압약을 바꾼 뒤로 혀가 붓고 입술이 부었어요"},
	{"shock_trauma", "오토바이 사고 뒤 배가 아프다더니 얼굴이 창백해요"},
	{"infant_fever", "두 달 반 된 아기가 열이 38도예요"},
	{"infant_fever", "아기 100일인데 열이 38.2도예요"},
	{"stroke_speech", "어머니가 갑자기 말씀을 못 하세요"},
	{"acute_abdomen", "배를 누르다 떼면 더 아파요"},
	{"burn_wide", "뜨거운 국물을 쏟아서 팔에 손바닥만 한 물집이 생겼어요"},
	{"cant_walk_injury", "넘어지셨는데 엉덩이가 아프다며 못 일어나세요"},
	{"head_injury", "넘어져서 머리를 부딪히셨는데 자꾸 주무시려고 하세요"},
	{"worst_headache", "평생 이런 두통은 처음이에요"},
	{"flank_fever", "열이 39도이고 오한이 나면서 옆구리가 아파요"},
	{"drowning", "아이가 수영장 물에 빠졌다가 건져졌는데 기침을 계속해요"},
	{"vomit_blood", "토한 게 커피색이에요"},
	{"dehydration", "아이가 설사를 열 번 넘게 해서 물도 못 넘겨요"},
	{"eye_trauma", "용접하다가 눈에 쇳가루가 들어갔어요"},
	{"stroke_speech", "말이 어눌하거나 팔다리에 힘이 빠져요"},
	{"suicidal", "가끔 죽고 싶다는 생각이 들어요"},
	{"suicidal", "유서를 써 두었어요"},
	{"suicidal", "딸이 유서 같은 편지를 썼어요"},
	{"not_breathing", "아기가 숨 쉴 때 갈비뼈가 쑥쑥 들어가요"},
	{"not_breathing", "할머니 입술이 새파래요"},
	{"pregnant_bleeding", "임신 중인데 피가 줄줄 나요"},
	{"rigid_abd", "배가 갑자기 딱딱해지면서 아파요"},
	{"head_injury", "머리를 박았는데 토가 나와요 정신은 멀쩡"},
	{"infant_fever", "갓난아기가 열이 38도예요"},
	{"injury_numb", "자전거에서 넘어진 뒤로 손목이 붓고 손가락 끝이 저려요"},
	{"joint_injury_swell", "넘어진 뒤로 팔꿈치가 퉁퉁 붓고 안 구부러져요"},
	{"testis_injury", "축구공에 맞은 뒤로 고환이 부어올랐어요"},
	{"fever_limp_child", "네 살 아들이 열이 나고 한쪽 다리를 아파하며 걷지 않으려 해요"},
	{"abdomen_radiate", "명치가 너무 아파서 등까지 뻗쳐요"},
	{"croup_rest", "아이가 컹컹 기침을 하는데 가만히 있어도 숨 쉴 때 소리가 나요"},
	{"ectopic", "생리가 늦어지는데 아랫배가 너무 아파요"},
	{"flank_severe", "옆구리가 너무 아프고 식은땀이 나요"},
	{"smoke", "연기를 많이 마셔서 목소리가 쉬고 숨이 차요"},
	{"tendon", "칼에 손가락을 베였는데 손가락이 안 구부러져요"},
	{"unconscious", "60대인 어머니가 방금 쓰러지셨어요"},
	{"stroke_face", "얼굴 한쪽이 처지고 감각이 없어요"},
	{"tia", "말이 잠깐 안 나오다가 돌아왔어요"},
	{"head_injury", "머리를 부딪힌 뒤로 아이가 자꾸 잠들어요"},
	{"dental_spread", "어금니가 아프더니 얼굴이 퉁퉁 붓고 열이 나요"},
	{"anaphylaxis", "벌에 쏘이고 나서 목이 막혀요"},
	{"labor", "임신 30주인데 배가 규칙적으로 아파요"},
	{"chest_sweat", "가슴이 뻐개지게 아프고 땀이 줄줄 나요"},
	{"testis_injury", "운동하다 고환을 맞았는데 부었어요"},
	{"appendicitis", "배꼽 근처가 아프다가 오른쪽 아랫배로 옮겨갔어요"},
	{"bilious", "아기가 녹색 물을 토했어요"},
	{"dehydration", "두 살 아이가 설사를 열 번 넘게 하고 소변을 10시간 넘게 안 봤어요"},
	{"palpitation_severe", "가끔 두근거렸는데 오늘은 갑자기 심장이 너무 빨리 뛰어요"},
	{"hip_fall", "할머니가 넘어진 후 고관절 통증으로 못 일어나세요"},
	{"harm_others", "아이가 동생을 해치고 싶다는 말을 자주 해요"},
	{"appendicitis", "배꼽 주변 아프더니 오른쪽 아랫배가 뒤틀려요"},
	{"bp_headache", "혈압이 200이고 머리가 깨질 듯 아파요"},
	{"unconscious", "할머니가 불러도 반응이 없어요"},
	{"arrhythmia", "투석 환자, 칼륨 7.2, 서맥"},
	{"chest_crushing", "작년에 심근경색으로 스텐트를 넣었었는데 30분 전부터 그때처럼 가슴이 쥐어짜듯 아프고 식은땀이 나요"},
	{"inhaler_fail", "어릴 때부터 천식이 있었어요. 한 시간 전부터 숨이 너무 차서 흡입기를 다섯 번 썼는데도 숨이 안 쉬어지고 말하기가 힘들어요. 예전에는 이 정도면 가라앉았는데 오늘은 달라요"},
	{"unconscious", "아버지가 쓰러지셨는데 깨워도 반응이 없어요"},
	{"palpitation_severe", "밤마다 가끔 두근거렸는데 오늘은 갑자기 심장이 너무 빨리 뛰어요"},
	{"suicidal", "딸이 죽고 싶다는 글을 SNS에 올렸어요"},
	{"stroke_speech", "72세 어머니가 30분 전부터 말을 제대로 못 하시고 오른쪽 팔을 들지 못하세요. 평소 고혈압 약을 드세요. 예전에 이런 적은 없었어요"},
	{"seizure", "3살 아들이 열이 나다가 갑자기 눈이 돌아가고 온몸을 떨어요. 벌써 7분째 멈추지 않아요"},
}

func TestRedFlags(t *testing.T) {
	e := newTestEngine(t)
	for _, tc := range redFlagCases {
		t.Run(tc.rule, func(t *testing.T) {
			r := e.Analyze(tc.text)
			ids := make([]string, len(r.RedFlags))
			for i, f := range r.RedFlags {
				ids[i] = strings.TrimPrefix(f.ID, "crisis:")
			}
			if !slices.Contains(ids, tc.rule) {
				t.Errorf("Analyze(%q) red flags = %v, want %s", tc.text, ids, tc.rule)
			}
			if !r.Level.IsEmergency() || r.Intent != IntentEmergency {
				t.Errorf("Analyze(%q) = %s/%s, want an emergency", tc.text, r.Intent, r.Level)
			}
			if len(r.Departments) != 0 {
				t.Errorf("Analyze(%q) departments = %v, want none at an emergency level", tc.text, r.Departments)
			}
			if !strings.Contains(r.Answer, "119") && !strings.Contains(r.Answer, "응급실") {
				t.Errorf("Analyze(%q) answer %q names neither 119 nor 응급실", tc.text, r.Answer)
			}
			if r.Disclaimer == "" {
				t.Errorf("Analyze(%q) has no disclaimer", tc.text)
			}
		})
	}
}

func TestRedFlagCoverage(t *testing.T) {
	e := newTestEngine(t)
	for _, rl := range e.rules {
		if !slices.ContainsFunc(redFlagCases, func(c struct{ rule, text string }) bool { return c.rule == rl.ID }) {
			t.Errorf("rule %s has no case in redFlagCases", rl.ID)
		}
	}
}

func TestCrisisLines(t *testing.T) {
	e := newTestEngine(t)
	for _, text := range []string{"죽고 싶어요", "자해하고 싶어요", "요즘 살기 싫어요", "번개탄 사놨어요"} {
		t.Run(text, func(t *testing.T) {
			r := e.Analyze(text)
			if !r.Crisis || r.Level != LevelEmergency119 {
				t.Errorf("Analyze(%q) crisis=%v level=%s, want crisis at %s", text, r.Crisis, r.Level, LevelEmergency119)
			}
			if !strings.Contains(r.Answer, "109") {
				t.Errorf("Analyze(%q) answer %q lacks the crisis line 109", text, r.Answer)
			}
		})
	}
}
