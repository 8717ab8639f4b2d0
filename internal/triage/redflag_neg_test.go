package triage

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// redFlagNegatives has, for every rule, a message that mentions its words but must not
// fire it: denied, past, worried, someone else's history, a question about a disease, a
// child's ordinary cold. TestRedFlagNegativeCoverage keeps it complete.
var redFlagNegatives = []struct {
	rule string
	text string
}{
	{"arrest", "심정지가 오면 어떻게 해야 하는지 궁금해요"},
	{"not_breathing", "숨을 못 쉴 정도는 아니고 코가 좀 막혀요"},
	{"choking", "떡 먹을 때 목에 걸릴까 봐 걱정돼요"},
	{"unconscious", "작년에 쓰러진 적이 있는데 지금은 괜찮아요"},
	{"confusion", "할머니가 헛소리를 하실까 봐 걱정이에요 지금은 멀쩡하세요"},
	{"stroke_weakness", "한쪽 팔다리에 힘이 빠지는 건 없고 손끝만 살짝 저려요"},
	{"stroke_speech", "목이 쉬어서 말하기가 좀 불편해요"},
	{"stroke_face", "얼굴 한쪽이 마비될까 봐 무서워요"},
	{"worst_headache", "살면서 가장 심한 두통은 아니고 가볍게 지끈거려요"},
	{"sudden_headache", "머리가 살짝 띵해요"},
	{"headache_fever_neck", "목이 뻣뻣한데 열은 없어요"},
	{"seizure", "열경련 한 적이 있어요"},
	{"chest_sweat", "운동하고 나서 땀이 많이 나요"},
	{"chest_crushing", "가슴을 쥐어짜는 느낌은 없어요"},
	{"chest_breath", "계단을 오르면 숨이 차다가 쉬면 괜찮아요"},
	{"chest_severe", "가슴이 아프지는 않아요"},
	{"chest_faint", "어지러운데 가슴은 괜찮아요"},
	{"palpitation_severe", "커피 마시면 가끔 두근거려요"},
	{"dyspnea_severe", "숨이 너무 찬 건 아니고 기침이 좀 나요"},
	{"dyspnea_infant", "아기가 콧물이 나요"},
	{"anaphylaxis", "새우 알레르기가 있는지 검사 받고 싶어요"},
	{"anaphylaxis_breath", "땅콩 알레르기 검사는 어디서 해요?"},
	{"bleeding", "피가 조금 났는데 금방 멈췄어요"},
	{"vomit_blood", "피를 토한 적은 없어요"},
	{"black_stool", "검은 변은 아니고 변비가 있어요"},
	{"blood_stool_severe", "휴지에 피가 살짝 묻어요"},
	{"poisoning", "수면제를 먹어도 잠이 안 와요"},
	{"swallowed", "아이가 동전을 삼킬까 봐 걱정돼요"},
	{"burn_severe", "뜨거운 물에 살짝 데었는데 괜찮아요"},
	{"open_fracture", "뼈가 보이거나 하지는 않아요"},
	{"fracture", "작년에 팔이 부러졌었는데 요즘 그 자리가 쑤셔요"},
	{"head_injury", "머리를 부딪혔는데 토하거나 어지럽진 않아요"},
	{"head_injury_child", "머리를 살짝 부딪혔는데 잘 놀아요"},
	{"abdomen_severe", "배가 살살 아파요"},
	{"appendicitis", "맹장 수술 받은 지 3년 됐는데 괜찮아요"},
	{"abdomen_rigid", "배가 좀 아픈데 토하지는 않았어요"},
	{"infant_fever", "두 돌 아기가 열이 나요"},
	{"child_high_fever", "아이가 열이 37.8도예요"},
	{"dehydration", "탈수 예방하려면 물을 얼마나 마셔야 해요?"},
	{"vision_loss", "눈이 좀 침침해요"},
	{"vision_sudden", "요즘 눈이 피곤해요"},
	{"eye_chemical", "눈이 가려워요"},
	{"pregnant_bleeding", "임신 준비 중인데 영양제 뭐 먹어요?"},
	{"pregnant_pain", "임신 중인데 허리가 살짝 아파요"},
	{"labor", "아이가 감기에 걸려서 콧물이 나고 양쪽 귀가 아프대요"},
	{"retention", "소변이 자주 마려워요"},
	{"testis", "아이가 기침하고 환절기마다 콧물이 나요"},
	{"heat", "더위를 많이 타요"},
	{"suicidal", "자살 예방 교육 자료가 있나요"},
	{"self_harm", "여자 해변에서 넘어져 무릎이 까졌어요"},
	{"harm_others", "동생이랑 싸웠는데 화가 나요"},
	{"stab", "못에 살짝 긁혔어요"},
	{"shock", "얼굴이 좀 창백해 보여요"},
	{"bloody_diarrhea_fever", "설사를 하는데 피는 없어요"},
	{"cant_walk_injury", "오래 걸으면 다리가 피곤해요"},
	{"chest_radiate", "어깨까지 뻐근해요"},
	{"mentions_119", "작년에 119 불러서 병원 간 적이 있어요"},
	{"nosebleed_long", "코피가 났는데 금방 멈췄어요"},
	{"palpitation_long", "두근거림은 금방 멈췄어요"},
	{"pulse", "맥박이 80이에요"},
	{"sugar", "혈당이 110이에요"},
	{"bp_headache", "혈압이 130이고 머리가 살짝 아파요"},
	{"fall_height", "높은 곳에 올라가면 무서워요"},
	{"fall_height_any", "높은 곳에서 떨어지는 꿈을 꿔요"},
	{"burn_body", "온몸이 가려워요"},
	{"burn_wide", "손등에 작게 데었어요"},
	{"deep_wound", "종이에 살짝 베였어요"},
	{"bite", "모기에 물렸어요"},
	{"child_lethargy", "요즘 기운이 없어요"},
	{"intussusception", "아기가 변비가 있어요"},
	{"inhaler_fail", "흡입기 사용법을 알고 싶어요"},
	{"petechiae_fever", "멍이 잘 드는데 열은 없어요"},
	{"deform", "손목이 시큰거려요"},
	{"child_ate_drug", "아이가 감기약을 먹기 싫어해요"},
	{"dkaa", "당뇨가 있는데 발이 저려요"},
	{"glaucoma", "눈이 침침해요"},
	{"sudden_hearing", "귀가 좀 먹먹해요"},
	{"vertigo_vomit", "일어날 때 살짝 어지러워요"},
	{"abdomen_sudden", "밥 먹고 배가 더부룩해요"},
	{"allergy_swell", "복숭아 알레르기가 있는지 궁금해요"},
	{"dehydration_vomit", "토할 것 같지는 않고 입맛이 없어요"},
	{"flank_fever", "옆구리가 결려요"},
	{"crush", "문에 손가락이 낄 뻔했어요"},
	{"ear_foreign", "귀가 간지러워요"},
	{"blood_sputum", "가래가 누래요"},
	{"rigid_abd", "배가 빵빵해요"},
	{"mentions_er", "작년에 응급실 갔었는데 비용이 얼마였는지 궁금해요"},
	{"shock_signs", "어제 영화 보고 충격을 받았어요"},
	{"hypotension", "혈압이 120/80이에요"},
	{"spo2", "산소포화도 98% 나와요"},
	{"paralysis", "다리가 저리고 당겨요"},
	{"stroke_signs", "뇌졸중일까 봐 걱정돼요 손이 살짝 저려요"},
	{"htn_crisis", "고혈압 약을 먹고 있어요"},
	{"bp_very_high", "혈압이 140/90이에요"},
	{"hypoglycemia", "저혈당이 오면 어떻게 해야 하나요"},
	{"hypothermia", "손발이 차가워요"},
	{"sepsis", "패혈증은 어떤 병인가요"},
	{"fever_shock", "열이 38도인데 혈압은 120이에요"},
	{"immunosup_fever", "항암치료 끝난 지 5년 됐는데 검진 받고 싶어요"},
	{"trauma_severe", "교통사고 후 목이 뻐근해요"},
	{"anaphylaxis_word", "아나필락시스가 뭐예요"},
	{"acute_abdomen", "예전에 장폐색 수술을 받았었는데 지금은 괜찮아요"},
	{"airway_swelling", "아기가 이가 나면서 침을 많이 흘려요"},
	{"drowning", "물에 빠지는 꿈을 꿨어요"},
	{"sting_systemic", "벌에 쏘인 자리가 조금 가려워요"},
	{"tooth_out", "아이 유치가 흔들리다 빠졌어요"},
	{"fetal", "임신 16주인데 태동은 언제 느껴요?"},
	{"preeclampsia", "임신중독증 예방하려면 뭘 조심해야 하나요"},
	{"heavy_vag", "생리 양이 조금 늘었어요"},
	{"priapism", "발기가 잘 안 돼요"},
	{"eye_trauma", "눈이 뻑뻑해요"},
	{"assault", "성폭력 예방 교육은 어디서 해요"},
	{"resp_arrest", "코골이가 심하고 수면무호흡이 있대요"},
	{"chest_tear", "근육이 찢어진 것 같아요 종아리가 아파요"},
	{"amputation", "손톱을 너무 짧게 잘랐어요"},
	{"pain_score", "무릎 통증은 3점 정도예요"},
	{"shock_combo", "원래 저혈압이 있어서 아침에 좀 어지러워요"},
	{"acs", "심근경색 예방하려면 뭘 먹어야 해요"},
	{"pe", "예전에 기흉 수술을 받았었는데 지금은 괜찮아요"},
	{"blunt_trauma", "어제 배를 살짝 부딪혔는데 멍만 들었어요"},
	{"major_fracture", "척추 골절 수술 후 재활은 어디서 하나요"},
	{"pulseless", "손목 맥박 재는 법이 궁금해요"},
	{"gi_bleed", "대장내시경에서 용종을 뗐어요"},
	{"dka", "당뇨 초기인데 식단은 어떻게 해요"},
	{"metabolic", "투석 병원을 옮기고 싶어요"},
	{"neuromuscular", "근무력증 약을 먹고 있는데 감기약 먹어도 되나요"},
	{"burn_major", "그을음 냄새가 옷에 배었어요"},
	{"bilious", "아기가 분유를 조금 게워요"},
	{"fontanelle", "대천문은 언제 닫혀요?"},
	{"orbital", "눈 주위가 살짝 가려워요"},
	{"ill_fever", "열은 없는데 좀 피곤해 보여요"},
	{"infant_cold", "아기 손발이 좀 차요"},
	{"low_temp", "아침 체온이 36.2도예요"},
	{"spo2_er", "산소포화도 97%예요"},
	{"pregnant_trauma", "임신 중인데 허리가 살짝 아파요"},
	{"stone_severe", "예전에 요로결석이 있었어요 재발을 막으려면요"},
	{"stroke_arm", "어깨가 아파서 팔을 못 들겠어요"},
	{"leg_clot", "오래 서 있으면 저녁에 양쪽 다리가 조금 부어요"},
	{"high_mech", "차량 전복 사고 뉴스를 보고 불안해요"},
	{"sting_history", "벌에 쏘인 적은 없는데 알레르기 검사를 받고 싶어요"},
	{"throat_breath", "목이 붓고 열이 나요 숨쉬는 건 괜찮아요"},
	{"crushed", "과자가 가방에서 으스러졌어요"},
	{"epigastric_sweat", "명치가 더부룩해요"},
	{"pregnant_bp", "임신 중인데 혈압이 120이에요 두통은 없어요"},
	{"inconsolable", "아기가 저녁마다 두세 시간씩 자지러지게 울어요"},
	{"arrhythmia", "예전에 부정맥이 있었는데 지금은 약 없이 괜찮아요"},
	{"electrical", "정전기가 자꾸 생겨요"},
	{"head_pupil", "안과에서 동공 확장 검사를 받았어요"},
	{"incarcerated", "탈장 수술을 받은 지 1년 됐어요"},
	{"tia", "작년에 팔에 힘이 빠졌다가 돌아온 적이 있는데 지금은 아무렇지 않아요"},
	{"tia", "다리가 저렸다가 괜찮아졌어요"},
	{"seizure_ended", "예전에 열경련을 했다가 멈춘 적이 있는데 지금은 콧물만 나요"},
	{"syncope_recovered", "작년에 쓰러졌다가 깨어난 적이 있어요"},
	{"deform_joint", "손가락이 류마티스로 휘었어요 오래됐어요"},
	{"red_spread_fever", "아이가 열이 나고 목이 빨갛게 부었대요 기침도 해요"},
	{"abdomen_cant_move", "허리를 삐끗해서 허리를 못 펴겠어요"},
	{"tongue_swell", "아침에 일어나니 눈이 붓고 얼굴이 부었어요"},
	{"shock_trauma", "감기 때문인지 얼굴이 창백해요 다친 데는 없어요"},
	{"infant_fever", "아기가 3일째 열이 37.8도예요 돌 지났어요"},
	{"infant_fever", "봉합 수술을 받은 지 8주 된 45세예요. 열이 나요"},
	{"burn_severe", "아기가 기침할 때 가래 끓는 소리가 나요"},
	{"vomit_blood", "피부에 커피색 반점이 몇 개 있어요"},
	{"stroke_speech", "어지럽기만 하고 말이 어눌하거나 팔다리에 힘이 빠지는 건 없어요"},
	{"unconscious", "검사에서 뇌경색 흔적이 있대요. 쓰러진 적도 증상도 없었어요"},
	{"blood_sputum", "가래에 피가 한 번 심하게 섞여 나왔는데 그 뒤로는 없어요"},
	{"not_breathing", "회사 갈 생각만 해도 숨이 막혀요"},
	{"palpitation_severe", "요즘 가끔 가슴이 두근거리고 숨이 차요"},
	{"fracture", "어깨가 빠진 것 같다가 다시 들어갔어요"},
	{"suicidal", "유선 초음파에서 섬유선종이 보인대요. 크기가 커지면 수술하나요"},
	{"not_breathing", "숨이 턱 막히는 느낌이 자주 와요 검사는 정상이래요"},
	{"injury_numb", "목 디스크가 있어서 넘어진 적은 없는데 손이 저려요"},
	{"joint_injury_swell", "예전에 다친 무릎이 비 오면 붓고 잘 안 구부러져요. 몇 년째예요"},
	{"testis_injury", "고환에 작은 멍울이 만져져요 다친 적은 없어요"},
	{"fever_limp_child", "아이가 열이 나는데 잘 뛰어놀아요"},
	{"abdomen_radiate", "소화가 안 되고 명치가 살짝 답답해요"},
	{"croup_rest", "크룹으로 약을 먹고 있는데 지금은 기침만 조금 해요"},
	{"bite", "개한테 살짝 물렸는데 피는 안 나요"},
	{"deep_wound", "이마가 찢어져서 어제 꿰맸어요 흉터가 걱정이에요"},
	{"open_fracture", "엄지발가락 옆 뼈가 튀어나와서 구두를 신으면 쓸려요"},
	{"ectopic", "생리가 늦어져서 임신 테스트를 해 보고 싶어요 배는 안 아파요"},
	{"flank_severe", "옆구리가 조금 결려요 토하지는 않아요"},
	{"smoke", "고기 굽다가 연기를 좀 마셨는데 지금은 괜찮아요"},
	{"tendon", "종이에 손가락을 살짝 베였어요 잘 움직여요"},
	{"unconscious", "친구가 뇌졸중으로 쓰러졌대서 저도 머리가 좀 무거워요"},
	{"unconscious", "할아버지가 60대에 뇌경색으로 쓰러지셨는데 저도 검사를 받아야 할까요"},
	{"sudden_headache", "오후만 되면 머리가 깨질 듯 아파서 진통제를 먹어요"},
	{"child_lethargy", "두 달 된 아기가 분유를 먹다가 자꾸 잠들어요"},
	{"dental_spread", "충치가 있어서 이가 시려요 붓거나 열은 없어요"},
	{"unconscious", "할아버지가 뇌경색으로 쓰러지셨다가 회복하셨는데 재활을 어디서 하나요"},
	{"stroke_speech", "뇌출혈 후유증으로 말이 어눌해요. 언어 재활을 받고 싶어요"},
	{"hip_fall", "고관절에 좋은 운동이 있나요"},
	{"chest_crushing", "5년 전에 스텐트를 넣으셨어요. 그때는 가슴을 쥐어짜는 통증 때문에 구급차를 불렀었죠"},
	{"seizure", "작년 겨울에 열이 나면서 경련을 한 번 했어요"},
	{"chest_breath", "회의 전이면 가슴이 답답하고 숨이 막힐 것 같다가 몇 분 지나면 괜찮아져요"},
	{"paralysis", "하반신 마비가 올 수도 있다는 글을 읽고 무서워졌어요"},
	{"amputation", "당뇨발이 되면 절단할 수도 있다는 얘기를 듣고 걱정이 돼요"},
	{"hypotension", "혈압약 복용 문의 / 58세 남자이고 혈압이 150 정도 나와요"},
	{"harm_others", "아기를 해치고 싶은 마음은 전혀 없어요. 눈물이 자꾸 나요"},
	{"pregnant_bleeding", "임신 24주인데 피가 비치거나 물이 새는 건 없어요"},
	{"inhaler_fail", "천식으로 흡입기를 써요. 지난 겨울에는 숨이 차서 입원한 적도 있어요"},
	{"palpitation_severe", "계단을 빨리 오르면 심장이 빨리 뛰고 숨이 차요. 쉬면 금방 괜찮아요"},
	{"testis", "사고로 척수를 다쳤어요. 급성기 치료는 끝났고 지금은 집에서 재활 운동을 해요"},
	{"chest_severe", "아이가 공부하다가 갑자기 왼쪽 가슴이 아프다고 해서 병원 갔더니 기흉이래요. 지금은 폐가 다 펴졌어요"},
	{"unconscious", "제목: 회사 동료가 쓰러진 걸 보고 나서 / 그 뒤로 저도 가슴이 두근거리고 잠을 잘 못 자요. 38세 여자이고 건강검진에서는 특별한 게 없었어요. 불안해서 그런 건지 심장 검사를 받아봐야 하는지 모르겠어요"},
	{"child_high_fever", "만약 밤에 아이가 열이 40도까지 오르고 경련을 하면 바로 119를 불러야 하는지 미리 알아두고 싶어요. 지금 아이는 건강해요"},
	{"seizure", "만약 밤에 아이가 열이 40도까지 오르고 경련을 하면 바로 119를 불러야 하나요"},
	{"seizure", "초등학생 때 경련 발작이 몇 번 있어서 약을 먹다가 중학생 때 끊었어요"},
	{"not_breathing", "남편이 밤마다 코를 심하게 골다가 10초쯤 조용해지고 다시 숨을 몰아쉬어요"},
	{"confusion", "수술을 하라는 사람도 있고 하지 말라는 사람도 많아서 혼란스러워요"},
	{"bp_headache", "작년 건강검진 때 혈압이 200 가까이 나와서 놀랐어요. 요즘 머리가 아파요"},
	{"seizure", "열경련이 유전되는지, 열이 나면 어느 정도에서 병원에 가야 하는지 미리 여쭤보고 싶어요"},
	{"bleeding", "멍이 크게 들었는데 혹시 피가 잘 안 멈추는 체질인지 궁금해요"},
	{"arrhythmia", "서맥 없음, 혈압 안정, 가벼운 두통"},
	{"acute_abdomen", "몇 달 전부터 식후에 배가 빵빵하고 가스가 많이 차요"},
	{"bp_headache", "혈압이 200 가까이 나왔는데 두통이나 다른 증상은 없었어요"},
	{"confusion", "3살 딸이 피곤하거나 멍하게 있을 때 오른쪽 눈이 안쪽으로 몰려요"},
	{"stroke_weakness", "칼에 베인 상처는 아물었는데 손가락 끝 한쪽 감각이 아직 둔해요"},
	{"fever_shock", "5살 아들이 열이 39도 넘게 오르면 밤에 울면서 헛소리를 하다가 열이 내리면 멀쩡해져요"},
	{"inhaler_fail", "만성 폐쇄성 폐질환이면 흡입기를 평생 써야 하는지 궁금해요. 계단을 오르면 예전보다 숨이 차요"},
	{"chest_crushing", "디스크가 신경근을 누르는 것 같다고 하는데 수술을 받을지 고민이에요"},
	{"dyspnea_severe", "요즘 계단 한 층만 올라도 숨이 차서 쉬었다 가시고 판막 협착이 심해졌대요"},
	{"head_injury_child", "돌 지난 아들이 걸음마를 시작하면서 자주 넘어지고 머리를 부딪혀요. 울다가 금방 그치고 잘 놀아요. 토하거나 처지는 건 없어요. 혹시 나중에 문제가 생길까 봐 너무 걱정돼요. 소아과에 가서 확인을 받아야 할지, 안전 매트만 깔아주면 될지 고민이에요"},
}

// calmMessages must fire no red flag at all: long everyday posts that trip many words.
var calmMessages = []string{
	"우리 아이가 어젯밤부터 콧물이 나고 기침을 해요. 열은 37.5도 정도이고 잘 먹고 잘 놀아요. 작년에 폐렴으로 입원한 적이 있어서 걱정돼요. 소아과 가야 할까요?",
	"아버지가 심근경색으로 돌아가셔서 저도 가슴이 아플까 봐 걱정이에요. 지금은 아무 증상 없고 건강검진만 받고 싶어요.",
	"계단을 오르면 숨이 차다가 쉬면 금방 괜찮아져요. 운동 부족일까요?",
	"뇌출혈은 어떤 증상이 있나요?",
	"아이가 기침하고 환절기마다 콧물이 나요. 진통제 먹여도 되나요?",
	"남자친구 피부에 뭐가 났는데 자해 흔적은 아니고 두드러기 같아요.",
	"몇 주째 허리가 조금 아파요. 오래 앉아 있으면 더 뻐근해요.",
	"제목: 허리 디스크 수술 고민 / 47세 남자이고 2년 전부터 허리가 아프다가 작년부터 왼쪽 다리가 저려요. MRI에서 디스크가 신경을 누른다고 했어요. 대소변은 정상이고 걷는 데 문제는 없어요. 하반신 마비가 올 수도 있다는 글을 읽고 무서워졌는데 수술을 꼭 해야 하는지 궁금해요.",
	"제목: 아이 열성경련 이후 / 4살 아들이 작년 겨울에 열이 나면서 경련을 한 번 했어요. 그때 119를 불러 응급실에 갔었고 단순 열성경련이라고 들었어요. 지금은 감기 기운만 있고 열은 37.5도 정도예요. 또 경련할까 봐 해열제를 미리 먹여야 하는지 궁금해요.",
	"제목: 출산 후 우울감 / 출산한 지 두 달 된 31세 엄마입니다. 아기는 잘 크는데 저는 자꾸 눈물이 나고 아무것도 하기 싫어요. 아기를 해치고 싶은 마음은 전혀 없어요. 산후우울증인지 알고 싶어요.",
}

func TestRedFlagNegatives(t *testing.T) {
	e := newTestEngine(t)
	for _, tc := range redFlagNegatives {
		t.Run(tc.rule, func(t *testing.T) {
			r := e.Analyze(tc.text)
			for _, f := range r.RedFlags {
				if strings.TrimPrefix(f.ID, "crisis:") == tc.rule {
					t.Errorf("Analyze(%q) fired %s (%v), want not", tc.text, tc.rule, f.Because)
				}
			}
		})
	}
	for _, text := range calmMessages {
		t.Run(text, func(t *testing.T) {
			if r := e.Analyze(text); len(r.RedFlags) > 0 || r.Level.IsEmergency() {
				t.Errorf("Analyze(%q) = %s with red flags %v, want no emergency", text, r.Level, r.RedFlags)
			}
		})
	}
}

func TestRedFlagNegativeCoverage(t *testing.T) {
	e := newTestEngine(t)
	for _, rl := range e.rules {
		if !slices.ContainsFunc(redFlagNegatives, func(c struct{ rule, text string }) bool { return c.rule == rl.ID }) {
			t.Errorf("rule %s has no case in redFlagNegatives", rl.ID)
		}
	}
}

// TestKTASBasis checks data/ktas_basis.tsv: every KTAS 1–2 row names rules that exist, or
// says why none can.
func TestKTASBasis(t *testing.T) {
	e := newTestEngine(t)
	known := make(map[string]bool)
	for _, rl := range e.rules {
		known[rl.ID] = true
	}
	rows, covered := 0, 0
	err := readTSV(os.DirFS("data"), "ktas_basis.tsv", 5, func(f []string) error {
		if f[0] == "category" {
			return nil
		}
		rows++
		if f[4] == "-" {
			if len(f) < 6 || f[5] == "" {
				t.Errorf("KTAS row %q/%q has no rule and no reason", f[1], f[2])
			}
			return nil
		}
		covered++
		for _, id := range splitList(f[4], ",") {
			if !known[id] {
				t.Errorf("KTAS row %q/%q names unknown rule %q", f[1], f[2], id)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("KTAS 1–2 rows covered by a rule: %d/%d", covered, rows)
	if rows < 900 {
		t.Errorf("ktas_basis.tsv has %d KTAS 1–2 rows, want all of them (996)", rows)
	}
}
