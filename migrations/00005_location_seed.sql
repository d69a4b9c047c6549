-- The Dubai place tree (emirate › community › sub-community › building) and the spellings
-- each place goes by, seeded as reference data shared by every brokerage.
--
-- Ids are deterministic, md5('propertypro/location/' || slug)::uuid, so every database (local,
-- test, staging, prod) gives a place the same id and re-running the seed changes nothing.
-- Aliases are stored normalised exactly as location.Normalize does it (lower case, no
-- accents or Arabic diacritics, أ/إ/آ → ا, ة → ه, ى → ي, punctuation as single spaces); a test
-- in shared/postgres checks every row against the Go function.

-- +goose Up
INSERT INTO locations (id, parent_id, kind, name_en, name_ar, slug)
SELECT md5('propertypro/location/' || v.slug)::uuid,
       CASE WHEN v.parent = '' THEN NULL ELSE md5('propertypro/location/' || v.parent)::uuid END,
       v.kind, v.name_en, v.name_ar, v.slug
FROM (VALUES
    ('dubai', '', 'emirate', 'Dubai', 'دبي'),
    ('dubai-marina', 'dubai', 'community', 'Dubai Marina', 'مرسى دبي'),
    ('downtown-dubai', 'dubai', 'community', 'Downtown Dubai', 'وسط مدينة دبي'),
    ('palm-jumeirah', 'dubai', 'community', 'Palm Jumeirah', 'نخلة جميرا'),
    ('jumeirah-village-circle', 'dubai', 'community', 'Jumeirah Village Circle', 'قرية جميرا الدائرية'),
    ('jumeirah-village-triangle', 'dubai', 'community', 'Jumeirah Village Triangle', 'قرية جميرا المثلثة'),
    ('business-bay', 'dubai', 'community', 'Business Bay', 'الخليج التجاري'),
    ('dubai-hills-estate', 'dubai', 'community', 'Dubai Hills Estate', 'دبي هيلز استيت'),
    ('arabian-ranches', 'dubai', 'community', 'Arabian Ranches', 'المرابع العربية'),
    ('arabian-ranches-2', 'dubai', 'community', 'Arabian Ranches 2', 'المرابع العربية 2'),
    ('jumeirah-lake-towers', 'dubai', 'community', 'Jumeirah Lake Towers', 'أبراج بحيرات جميرا'),
    ('jumeirah-beach-residence', 'dubai', 'community', 'Jumeirah Beach Residence', 'مساكن شاطئ جميرا'),
    ('difc', 'dubai', 'community', 'Dubai International Financial Centre', 'مركز دبي المالي العالمي'),
    ('al-barsha', 'dubai', 'community', 'Al Barsha', 'البرشاء'),
    ('dubai-creek-harbour', 'dubai', 'community', 'Dubai Creek Harbour', 'ميناء خور دبي'),
    ('meydan', 'dubai', 'community', 'Meydan', 'ميدان'),
    ('damac-hills', 'dubai', 'community', 'DAMAC Hills', 'داماك هيلز'),
    ('damac-hills-2', 'dubai', 'community', 'DAMAC Hills 2', 'داماك هيلز 2'),
    ('al-aweer', 'dubai', 'community', 'Al Aweer', 'العوير'),
    ('mirdif', 'dubai', 'community', 'Mirdif', 'مردف'),
    ('deira', 'dubai', 'community', 'Deira', 'ديرة'),
    ('bur-dubai', 'dubai', 'community', 'Bur Dubai', 'بر دبي'),
    ('international-city', 'dubai', 'community', 'International City', 'المدينة العالمية'),
    ('dubai-south', 'dubai', 'community', 'Dubai South', 'دبي الجنوب'),
    ('emaar-beachfront', 'dubai', 'community', 'Emaar Beachfront', 'إعمار بيتشفرونت'),
    ('city-walk', 'dubai', 'community', 'City Walk', 'سيتي ووك'),
    ('sobha-hartland', 'dubai', 'community', 'Sobha Hartland', 'شوبا هارتلاند'),
    ('mbr-city', 'dubai', 'community', 'Mohammed Bin Rashid City', 'مدينة محمد بن راشد'),
    ('al-furjan', 'dubai', 'community', 'Al Furjan', 'الفرجان'),
    ('town-square', 'dubai', 'community', 'Town Square', 'تاون سكوير'),
    ('motor-city', 'dubai', 'community', 'Motor City', 'موتور سيتي'),
    ('dubai-sports-city', 'dubai', 'community', 'Dubai Sports City', 'مدينة دبي الرياضية'),
    ('jumeirah', 'dubai', 'community', 'Jumeirah', 'جميرا'),
    ('umm-suqeim', 'dubai', 'community', 'Umm Suqeim', 'أم سقيم'),
    ('al-quoz', 'dubai', 'community', 'Al Quoz', 'القوز'),
    ('dubai-silicon-oasis', 'dubai', 'community', 'Dubai Silicon Oasis', 'واحة دبي للسيليكون'),
    ('al-warqa', 'dubai', 'community', 'Al Warqa', 'الورقاء'),
    ('discovery-gardens', 'dubai', 'community', 'Discovery Gardens', 'ديسكفري جاردنز'),
    ('the-greens', 'dubai', 'community', 'The Greens', 'ذا جرينز'),
    ('the-springs', 'dubai', 'community', 'The Springs', 'الينابيع'),
    ('the-meadows', 'dubai', 'community', 'The Meadows', 'المروج'),
    ('emirates-hills', 'dubai', 'community', 'Emirates Hills', 'تلال الإمارات'),
    ('bluewaters-island', 'dubai', 'community', 'Bluewaters Island', 'جزيرة بلوواترز'),
    ('al-jaddaf', 'dubai', 'community', 'Al Jaddaf', 'الجداف'),
    ('dubai-harbour', 'dubai', 'community', 'Dubai Harbour', 'دبي هاربر'),
    ('dubai-investments-park', 'dubai', 'community', 'Dubai Investments Park', 'مجمع دبي للاستثمار'),
    ('jumeirah-golf-estates', 'dubai', 'community', 'Jumeirah Golf Estates', 'عقارات جميرا للجولف'),
    ('al-sufouh', 'dubai', 'community', 'Al Sufouh', 'الصفوح'),
    ('tilal-al-ghaf', 'dubai', 'community', 'Tilal Al Ghaf', 'تلال الغاف'),
    ('dubailand', 'dubai', 'community', 'Dubailand', 'دبي لاند'),
    ('al-nahda', 'dubai', 'community', 'Al Nahda', 'النهضة'),
    ('al-karama', 'dubai', 'community', 'Al Karama', 'الكرامة'),
    ('nad-al-sheba', 'dubai', 'community', 'Nad Al Sheba', 'ند الشبا'),
    ('dubai-production-city', 'dubai', 'community', 'Dubai Production City', 'مدينة دبي للإنتاج'),
    ('al-barari', 'dubai', 'community', 'Al Barari', 'البراري'),
    ('jumeirah-park', 'dubai', 'community', 'Jumeirah Park', 'جميرا بارك'),
    ('dubai-festival-city', 'dubai', 'community', 'Dubai Festival City', 'دبي فستيفال سيتي'),
    ('al-safa', 'dubai', 'community', 'Al Safa', 'الصفا'),
    ('al-wasl', 'dubai', 'community', 'Al Wasl', 'الوصل'),
    ('dubai-marina-marina-promenade', 'dubai-marina', 'sub_community', 'Marina Promenade', 'مارينا بروميناد'),
    ('dubai-marina-marina-gate', 'dubai-marina', 'building', 'Marina Gate', 'مارينا جيت'),
    ('dubai-marina-cayan-tower', 'dubai-marina', 'building', 'Cayan Tower', 'برج كيان'),
    ('dubai-marina-princess-tower', 'dubai-marina', 'building', 'Princess Tower', 'برج الأميرة'),
    ('dubai-marina-marina-101', 'dubai-marina', 'building', 'Marina 101', 'مارينا 101'),
    ('downtown-dubai-opera-district', 'downtown-dubai', 'sub_community', 'Opera District', 'حي الأوبرا'),
    ('downtown-dubai-burj-khalifa', 'downtown-dubai', 'building', 'Burj Khalifa', 'برج خليفة'),
    ('downtown-dubai-boulevard-point', 'downtown-dubai', 'building', 'Boulevard Point', 'بوليفارد بوينت'),
    ('downtown-dubai-act-one-act-two', 'downtown-dubai-opera-district', 'building', 'Act One | Act Two', 'آكت ون آكت تو'),
    ('palm-jumeirah-shoreline', 'palm-jumeirah', 'sub_community', 'Shoreline Apartments', 'شقق شورلاين'),
    ('palm-jumeirah-frond-villas', 'palm-jumeirah', 'sub_community', 'Palm Jumeirah Fronds', 'سعفات نخلة جميرا'),
    ('palm-jumeirah-golden-mile', 'palm-jumeirah', 'sub_community', 'Golden Mile', 'الميل الذهبي'),
    ('palm-jumeirah-the-palm-tower', 'palm-jumeirah', 'building', 'The Palm Tower', 'برج النخلة'),
    ('jvc-district-10', 'jumeirah-village-circle', 'sub_community', 'JVC District 10', 'قرية جميرا الدائرية المنطقة 10'),
    ('jvc-district-12', 'jumeirah-village-circle', 'sub_community', 'JVC District 12', 'قرية جميرا الدائرية المنطقة 12'),
    ('jvc-bloom-heights', 'jvc-district-12', 'building', 'Bloom Heights', 'بلوم هايتس'),
    ('business-bay-executive-towers', 'business-bay', 'sub_community', 'Executive Towers', 'الأبراج التنفيذية'),
    ('business-bay-churchill-towers', 'business-bay', 'building', 'Churchill Towers', 'أبراج تشرشل'),
    ('business-bay-the-opus', 'business-bay', 'building', 'The Opus', 'ذا أوبوس'),
    ('dubai-hills-maple', 'dubai-hills-estate', 'sub_community', 'Maple', 'مابل'),
    ('dubai-hills-sidra', 'dubai-hills-estate', 'sub_community', 'Sidra', 'سدرة'),
    ('dubai-hills-park-heights', 'dubai-hills-estate', 'sub_community', 'Park Heights', 'بارك هايتس'),
    ('arabian-ranches-alvorada', 'arabian-ranches', 'sub_community', 'Alvorada', 'ألفورادا'),
    ('arabian-ranches-savannah', 'arabian-ranches', 'sub_community', 'Savannah', 'سافانا'),
    ('arabian-ranches-mirador', 'arabian-ranches', 'sub_community', 'Mirador', 'ميرادور'),
    ('jlt-almas-tower', 'jumeirah-lake-towers', 'building', 'Almas Tower', 'برج الماس'),
    ('jlt-goldcrest-views', 'jumeirah-lake-towers', 'building', 'Goldcrest Views', 'جولد كريست فيوز'),
    ('jbr-bahar', 'jumeirah-beach-residence', 'sub_community', 'Bahar', 'بحر'),
    ('jbr-murjan', 'jumeirah-beach-residence', 'sub_community', 'Murjan', 'مرجان'),
    ('jbr-rimal', 'jumeirah-beach-residence', 'sub_community', 'Rimal', 'رمال'),
    ('jbr-sadaf', 'jumeirah-beach-residence', 'sub_community', 'Sadaf', 'صدف'),
    ('jbr-amwaj', 'jumeirah-beach-residence', 'sub_community', 'Amwaj', 'أمواج'),
    ('jbr-shams', 'jumeirah-beach-residence', 'sub_community', 'Shams', 'شمس'),
    ('difc-index-tower', 'difc', 'building', 'Index Tower', 'برج إندكس'),
    ('difc-central-park-towers', 'difc', 'building', 'Central Park Towers', 'أبراج سنترال بارك'),
    ('dubai-creek-harbour-creek-beach', 'dubai-creek-harbour', 'sub_community', 'Creek Beach', 'كريك بيتش'),
    ('al-barsha-1', 'al-barsha', 'sub_community', 'Al Barsha 1', 'البرشاء 1'),
    ('al-barsha-south', 'al-barsha', 'sub_community', 'Al Barsha South', 'البرشاء جنوب'),
    ('mbr-city-district-one', 'mbr-city', 'sub_community', 'District One', 'ديستركت ون')
) AS v (slug, parent, kind, name_en, name_ar)
ON CONFLICT DO NOTHING;

INSERT INTO location_aliases (alias, location_id)
SELECT v.alias, md5('propertypro/location/' || v.slug)::uuid
FROM (VALUES
    -- Dubai
    ('dubai', 'dubai'),
    ('دبي', 'dubai'),
    ('emirate of dubai', 'dubai'),
    ('dubai emirate', 'dubai'),
    ('اماره دبي', 'dubai'),
    -- Dubai Marina
    ('dubai marina', 'dubai-marina'),
    ('مرسي دبي', 'dubai-marina'),
    ('marina', 'dubai-marina'),
    ('دبي مارينا', 'dubai-marina'),
    -- Downtown Dubai
    ('downtown dubai', 'downtown-dubai'),
    ('وسط مدينه دبي', 'downtown-dubai'),
    ('downtown', 'downtown-dubai'),
    ('downtown burj khalifa', 'downtown-dubai'),
    ('داون تاون دبي', 'downtown-dubai'),
    ('داون تاون', 'downtown-dubai'),
    -- Palm Jumeirah
    ('palm jumeirah', 'palm-jumeirah'),
    ('نخله جميرا', 'palm-jumeirah'),
    ('the palm', 'palm-jumeirah'),
    ('palm jumeira', 'palm-jumeirah'),
    ('the palm jumeirah', 'palm-jumeirah'),
    ('palm', 'palm-jumeirah'),
    -- Jumeirah Village Circle
    ('jumeirah village circle', 'jumeirah-village-circle'),
    ('قريه جميرا الدايريه', 'jumeirah-village-circle'),
    ('jvc', 'jumeirah-village-circle'),
    ('j v c', 'jumeirah-village-circle'),
    ('jumeira village circle', 'jumeirah-village-circle'),
    -- Jumeirah Village Triangle
    ('jumeirah village triangle', 'jumeirah-village-triangle'),
    ('قريه جميرا المثلثه', 'jumeirah-village-triangle'),
    ('jvt', 'jumeirah-village-triangle'),
    -- Business Bay
    ('business bay', 'business-bay'),
    ('الخليج التجاري', 'business-bay'),
    ('business bay dubai', 'business-bay'),
    -- Dubai Hills Estate
    ('dubai hills estate', 'dubai-hills-estate'),
    ('دبي هيلز استيت', 'dubai-hills-estate'),
    ('dubai hills', 'dubai-hills-estate'),
    ('dhe', 'dubai-hills-estate'),
    ('dubai hills estates', 'dubai-hills-estate'),
    -- Arabian Ranches
    ('arabian ranches', 'arabian-ranches'),
    ('المرابع العربيه', 'arabian-ranches'),
    ('arabian ranches 1', 'arabian-ranches'),
    ('ranches', 'arabian-ranches'),
    -- Arabian Ranches 2
    ('arabian ranches 2', 'arabian-ranches-2'),
    ('المرابع العربيه 2', 'arabian-ranches-2'),
    ('arabian ranches ii', 'arabian-ranches-2'),
    ('ar2', 'arabian-ranches-2'),
    -- Jumeirah Lake Towers
    ('jumeirah lake towers', 'jumeirah-lake-towers'),
    ('ابراج بحيرات جميرا', 'jumeirah-lake-towers'),
    ('jlt', 'jumeirah-lake-towers'),
    ('jumeirah lakes towers', 'jumeirah-lake-towers'),
    ('jumeirah lake tower', 'jumeirah-lake-towers'),
    -- Jumeirah Beach Residence
    ('jumeirah beach residence', 'jumeirah-beach-residence'),
    ('مساكن شاطي جميرا', 'jumeirah-beach-residence'),
    ('jbr', 'jumeirah-beach-residence'),
    ('jumeirah beach residences', 'jumeirah-beach-residence'),
    ('the walk jbr', 'jumeirah-beach-residence'),
    -- Dubai International Financial Centre
    ('dubai international financial centre', 'difc'),
    ('مركز دبي المالي العالمي', 'difc'),
    ('difc', 'difc'),
    ('dubai international financial center', 'difc'),
    -- Al Barsha
    ('al barsha', 'al-barsha'),
    ('البرشاء', 'al-barsha'),
    ('albarsha', 'al-barsha'),
    ('barsha', 'al-barsha'),
    ('el barsha', 'al-barsha'),
    -- Dubai Creek Harbour
    ('dubai creek harbour', 'dubai-creek-harbour'),
    ('ميناء خور دبي', 'dubai-creek-harbour'),
    ('dubai creek harbor', 'dubai-creek-harbour'),
    ('creek harbour', 'dubai-creek-harbour'),
    ('creek harbor', 'dubai-creek-harbour'),
    ('the lagoons', 'dubai-creek-harbour'),
    ('دبي كريك هاربر', 'dubai-creek-harbour'),
    -- Meydan
    ('meydan', 'meydan'),
    ('ميدان', 'meydan'),
    ('meydan city', 'meydan'),
    ('meydan one', 'meydan'),
    ('مدينه ميدان', 'meydan'),
    -- DAMAC Hills
    ('damac hills', 'damac-hills'),
    ('داماك هيلز', 'damac-hills'),
    ('damac hills 1', 'damac-hills'),
    ('damac hill', 'damac-hills'),
    -- DAMAC Hills 2
    ('damac hills 2', 'damac-hills-2'),
    ('داماك هيلز 2', 'damac-hills-2'),
    ('akoya oxygen', 'damac-hills-2'),
    ('akoya', 'damac-hills-2'),
    ('damac hills ii', 'damac-hills-2'),
    -- Al Aweer
    ('al aweer', 'al-aweer'),
    ('العوير', 'al-aweer'),
    ('al awir', 'al-aweer'),
    ('awir', 'al-aweer'),
    ('aweer', 'al-aweer'),
    ('el awir', 'al-aweer'),
    -- Mirdif
    ('mirdif', 'mirdif'),
    ('مردف', 'mirdif'),
    ('mirdiff', 'mirdif'),
    ('mirdif dubai', 'mirdif'),
    ('mardif', 'mirdif'),
    -- Deira
    ('deira', 'deira'),
    ('ديره', 'deira'),
    ('dera', 'deira'),
    ('deira dubai', 'deira'),
    -- Bur Dubai
    ('bur dubai', 'bur-dubai'),
    ('بر دبي', 'bur-dubai'),
    ('burdubai', 'bur-dubai'),
    -- International City
    ('international city', 'international-city'),
    ('المدينه العالميه', 'international-city'),
    ('intl city', 'international-city'),
    ('international city dubai', 'international-city'),
    -- Dubai South
    ('dubai south', 'dubai-south'),
    ('دبي الجنوب', 'dubai-south'),
    ('dubai world central', 'dubai-south'),
    ('dwc', 'dubai-south'),
    ('dubai south city', 'dubai-south'),
    -- Emaar Beachfront
    ('emaar beachfront', 'emaar-beachfront'),
    ('اعمار بيتشفرونت', 'emaar-beachfront'),
    ('beachfront', 'emaar-beachfront'),
    ('emaar beach front', 'emaar-beachfront'),
    -- City Walk
    ('city walk', 'city-walk'),
    ('سيتي ووك', 'city-walk'),
    ('citywalk', 'city-walk'),
    -- Sobha Hartland
    ('sobha hartland', 'sobha-hartland'),
    ('شوبا هارتلاند', 'sobha-hartland'),
    ('hartland', 'sobha-hartland'),
    ('sobha hartland mbr city', 'sobha-hartland'),
    -- Mohammed Bin Rashid City
    ('mohammed bin rashid city', 'mbr-city'),
    ('مدينه محمد بن راشد', 'mbr-city'),
    ('mbr city', 'mbr-city'),
    ('mbr', 'mbr-city'),
    ('mbrc', 'mbr-city'),
    ('mohammed bin rashid al maktoum city', 'mbr-city'),
    ('mohammad bin rashid city', 'mbr-city'),
    -- Al Furjan
    ('al furjan', 'al-furjan'),
    ('الفرجان', 'al-furjan'),
    ('furjan', 'al-furjan'),
    ('alfurjan', 'al-furjan'),
    -- Town Square
    ('town square', 'town-square'),
    ('تاون سكوير', 'town-square'),
    ('town square dubai', 'town-square'),
    ('nshama town square', 'town-square'),
    -- Motor City
    ('motor city', 'motor-city'),
    ('موتور سيتي', 'motor-city'),
    ('dubai motor city', 'motor-city'),
    -- Dubai Sports City
    ('dubai sports city', 'dubai-sports-city'),
    ('مدينه دبي الرياضيه', 'dubai-sports-city'),
    ('sports city', 'dubai-sports-city'),
    ('dsc', 'dubai-sports-city'),
    -- Jumeirah
    ('jumeirah', 'jumeirah'),
    ('جميرا', 'jumeirah'),
    ('jumeira', 'jumeirah'),
    ('jumeirah 1', 'jumeirah'),
    ('jumeirah 2', 'jumeirah'),
    ('jumeirah 3', 'jumeirah'),
    -- Umm Suqeim
    ('umm suqeim', 'umm-suqeim'),
    ('ام سقيم', 'umm-suqeim'),
    ('umm suqueim', 'umm-suqeim'),
    ('umm sequim', 'umm-suqeim'),
    ('um suqeim', 'umm-suqeim'),
    -- Al Quoz
    ('al quoz', 'al-quoz'),
    ('القوز', 'al-quoz'),
    ('alquoz', 'al-quoz'),
    ('al goze', 'al-quoz'),
    ('al qouz', 'al-quoz'),
    -- Dubai Silicon Oasis
    ('dubai silicon oasis', 'dubai-silicon-oasis'),
    ('واحه دبي للسيليكون', 'dubai-silicon-oasis'),
    ('silicon oasis', 'dubai-silicon-oasis'),
    ('dso', 'dubai-silicon-oasis'),
    -- Al Warqa
    ('al warqa', 'al-warqa'),
    ('الورقاء', 'al-warqa'),
    ('al warqaa', 'al-warqa'),
    ('warqa', 'al-warqa'),
    -- Discovery Gardens
    ('discovery gardens', 'discovery-gardens'),
    ('ديسكفري جاردنز', 'discovery-gardens'),
    ('discovery garden', 'discovery-gardens'),
    -- The Greens
    ('the greens', 'the-greens'),
    ('ذا جرينز', 'the-greens'),
    ('greens', 'the-greens'),
    -- The Springs
    ('the springs', 'the-springs'),
    ('الينابيع', 'the-springs'),
    ('springs', 'the-springs'),
    -- The Meadows
    ('the meadows', 'the-meadows'),
    ('المروج', 'the-meadows'),
    ('meadows', 'the-meadows'),
    -- Emirates Hills
    ('emirates hills', 'emirates-hills'),
    ('تلال الامارات', 'emirates-hills'),
    ('emirates hill', 'emirates-hills'),
    -- Bluewaters Island
    ('bluewaters island', 'bluewaters-island'),
    ('جزيره بلوواترز', 'bluewaters-island'),
    ('bluewaters', 'bluewaters-island'),
    ('blue waters', 'bluewaters-island'),
    ('bluewater island', 'bluewaters-island'),
    -- Al Jaddaf
    ('al jaddaf', 'al-jaddaf'),
    ('الجداف', 'al-jaddaf'),
    ('jaddaf', 'al-jaddaf'),
    ('culture village', 'al-jaddaf'),
    -- Dubai Harbour
    ('dubai harbour', 'dubai-harbour'),
    ('دبي هاربر', 'dubai-harbour'),
    ('dubai harbor', 'dubai-harbour'),
    -- Dubai Investments Park
    ('dubai investments park', 'dubai-investments-park'),
    ('مجمع دبي للاستثمار', 'dubai-investments-park'),
    ('dip', 'dubai-investments-park'),
    ('dubai investment park', 'dubai-investments-park'),
    -- Jumeirah Golf Estates
    ('jumeirah golf estates', 'jumeirah-golf-estates'),
    ('عقارات جميرا للجولف', 'jumeirah-golf-estates'),
    ('jge', 'jumeirah-golf-estates'),
    ('jumeirah golf estate', 'jumeirah-golf-estates'),
    -- Al Sufouh
    ('al sufouh', 'al-sufouh'),
    ('الصفوح', 'al-sufouh'),
    ('sufouh', 'al-sufouh'),
    ('al sufouh 1', 'al-sufouh'),
    -- Tilal Al Ghaf
    ('tilal al ghaf', 'tilal-al-ghaf'),
    ('تلال الغاف', 'tilal-al-ghaf'),
    ('tilal alghaf', 'tilal-al-ghaf'),
    -- Dubailand
    ('dubailand', 'dubailand'),
    ('دبي لاند', 'dubailand'),
    ('dubai land', 'dubailand'),
    -- Al Nahda
    ('al nahda', 'al-nahda'),
    ('النهضه', 'al-nahda'),
    ('nahda', 'al-nahda'),
    ('al nahda dubai', 'al-nahda'),
    -- Al Karama
    ('al karama', 'al-karama'),
    ('الكرامه', 'al-karama'),
    ('karama', 'al-karama'),
    -- Nad Al Sheba
    ('nad al sheba', 'nad-al-sheba'),
    ('ند الشبا', 'nad-al-sheba'),
    ('nad al shiba', 'nad-al-sheba'),
    ('nad alsheba', 'nad-al-sheba'),
    -- Dubai Production City
    ('dubai production city', 'dubai-production-city'),
    ('مدينه دبي للانتاج', 'dubai-production-city'),
    ('impz', 'dubai-production-city'),
    ('production city', 'dubai-production-city'),
    -- Al Barari
    ('al barari', 'al-barari'),
    ('البراري', 'al-barari'),
    ('barari', 'al-barari'),
    -- Jumeirah Park
    ('jumeirah park', 'jumeirah-park'),
    ('جميرا بارك', 'jumeirah-park'),
    -- Dubai Festival City
    ('dubai festival city', 'dubai-festival-city'),
    ('دبي فستيفال سيتي', 'dubai-festival-city'),
    ('festival city', 'dubai-festival-city'),
    ('dfc', 'dubai-festival-city'),
    -- Al Safa
    ('al safa', 'al-safa'),
    ('الصفا', 'al-safa'),
    ('safa', 'al-safa'),
    -- Al Wasl
    ('al wasl', 'al-wasl'),
    ('الوصل', 'al-wasl'),
    ('wasl', 'al-wasl'),
    -- Marina Promenade
    ('marina promenade', 'dubai-marina-marina-promenade'),
    ('مارينا بروميناد', 'dubai-marina-marina-promenade'),
    -- Marina Gate
    ('marina gate', 'dubai-marina-marina-gate'),
    ('مارينا جيت', 'dubai-marina-marina-gate'),
    ('marina gate 1', 'dubai-marina-marina-gate'),
    ('marina gate 2', 'dubai-marina-marina-gate'),
    -- Cayan Tower
    ('cayan tower', 'dubai-marina-cayan-tower'),
    ('برج كيان', 'dubai-marina-cayan-tower'),
    ('infinity tower', 'dubai-marina-cayan-tower'),
    ('cayan', 'dubai-marina-cayan-tower'),
    -- Princess Tower
    ('princess tower', 'dubai-marina-princess-tower'),
    ('برج الاميره', 'dubai-marina-princess-tower'),
    -- Marina 101
    ('marina 101', 'dubai-marina-marina-101'),
    ('مارينا 101', 'dubai-marina-marina-101'),
    -- Opera District
    ('opera district', 'downtown-dubai-opera-district'),
    ('حي الاوبرا', 'downtown-dubai-opera-district'),
    ('the opera district', 'downtown-dubai-opera-district'),
    -- Burj Khalifa
    ('burj khalifa', 'downtown-dubai-burj-khalifa'),
    ('برج خليفه', 'downtown-dubai-burj-khalifa'),
    -- Boulevard Point
    ('boulevard point', 'downtown-dubai-boulevard-point'),
    ('بوليفارد بوينت', 'downtown-dubai-boulevard-point'),
    -- Act One | Act Two
    ('act one act two', 'downtown-dubai-act-one-act-two'),
    ('اكت ون اكت تو', 'downtown-dubai-act-one-act-two'),
    ('act one act two towers', 'downtown-dubai-act-one-act-two'),
    -- Shoreline Apartments
    ('shoreline apartments', 'palm-jumeirah-shoreline'),
    ('شقق شورلاين', 'palm-jumeirah-shoreline'),
    ('shoreline', 'palm-jumeirah-shoreline'),
    -- Palm Jumeirah Fronds
    ('palm jumeirah fronds', 'palm-jumeirah-frond-villas'),
    ('سعفات نخله جميرا', 'palm-jumeirah-frond-villas'),
    ('the fronds', 'palm-jumeirah-frond-villas'),
    ('signature villas', 'palm-jumeirah-frond-villas'),
    -- Golden Mile
    ('golden mile', 'palm-jumeirah-golden-mile'),
    ('الميل الذهبي', 'palm-jumeirah-golden-mile'),
    ('golden mile palm jumeirah', 'palm-jumeirah-golden-mile'),
    -- The Palm Tower
    ('the palm tower', 'palm-jumeirah-the-palm-tower'),
    ('برج النخله', 'palm-jumeirah-the-palm-tower'),
    ('palm tower', 'palm-jumeirah-the-palm-tower'),
    -- JVC District 10
    ('jvc district 10', 'jvc-district-10'),
    ('قريه جميرا الدايريه المنطقه 10', 'jvc-district-10'),
    -- JVC District 12
    ('jvc district 12', 'jvc-district-12'),
    ('قريه جميرا الدايريه المنطقه 12', 'jvc-district-12'),
    -- Bloom Heights
    ('bloom heights', 'jvc-bloom-heights'),
    ('بلوم هايتس', 'jvc-bloom-heights'),
    -- Executive Towers
    ('executive towers', 'business-bay-executive-towers'),
    ('الابراج التنفيذيه', 'business-bay-executive-towers'),
    ('executive tower', 'business-bay-executive-towers'),
    -- Churchill Towers
    ('churchill towers', 'business-bay-churchill-towers'),
    ('ابراج تشرشل', 'business-bay-churchill-towers'),
    ('churchill tower', 'business-bay-churchill-towers'),
    -- The Opus
    ('the opus', 'business-bay-the-opus'),
    ('ذا اوبوس', 'business-bay-the-opus'),
    ('opus tower', 'business-bay-the-opus'),
    ('opus by omniyat', 'business-bay-the-opus'),
    -- Maple
    ('maple', 'dubai-hills-maple'),
    ('مابل', 'dubai-hills-maple'),
    ('maple at dubai hills estate', 'dubai-hills-maple'),
    -- Sidra
    ('sidra', 'dubai-hills-sidra'),
    ('سدره', 'dubai-hills-sidra'),
    ('sidra villas', 'dubai-hills-sidra'),
    -- Park Heights
    ('park heights', 'dubai-hills-park-heights'),
    ('بارك هايتس', 'dubai-hills-park-heights'),
    -- Alvorada
    ('alvorada', 'arabian-ranches-alvorada'),
    ('الفورادا', 'arabian-ranches-alvorada'),
    -- Savannah
    ('savannah', 'arabian-ranches-savannah'),
    ('سافانا', 'arabian-ranches-savannah'),
    -- Mirador
    ('mirador', 'arabian-ranches-mirador'),
    ('ميرادور', 'arabian-ranches-mirador'),
    ('mirador la coleccion', 'arabian-ranches-mirador'),
    -- Almas Tower
    ('almas tower', 'jlt-almas-tower'),
    ('برج الماس', 'jlt-almas-tower'),
    -- Goldcrest Views
    ('goldcrest views', 'jlt-goldcrest-views'),
    ('جولد كريست فيوز', 'jlt-goldcrest-views'),
    ('goldcrest views 1', 'jlt-goldcrest-views'),
    -- Bahar
    ('bahar', 'jbr-bahar'),
    ('بحر', 'jbr-bahar'),
    ('jbr bahar', 'jbr-bahar'),
    -- Murjan
    ('murjan', 'jbr-murjan'),
    ('مرجان', 'jbr-murjan'),
    ('jbr murjan', 'jbr-murjan'),
    -- Rimal
    ('rimal', 'jbr-rimal'),
    ('رمال', 'jbr-rimal'),
    ('jbr rimal', 'jbr-rimal'),
    -- Sadaf
    ('sadaf', 'jbr-sadaf'),
    ('صدف', 'jbr-sadaf'),
    ('jbr sadaf', 'jbr-sadaf'),
    -- Amwaj
    ('amwaj', 'jbr-amwaj'),
    ('امواج', 'jbr-amwaj'),
    ('jbr amwaj', 'jbr-amwaj'),
    -- Shams
    ('shams', 'jbr-shams'),
    ('شمس', 'jbr-shams'),
    ('jbr shams', 'jbr-shams'),
    -- Index Tower
    ('index tower', 'difc-index-tower'),
    ('برج اندكس', 'difc-index-tower'),
    ('the index', 'difc-index-tower'),
    -- Central Park Towers
    ('central park towers', 'difc-central-park-towers'),
    ('ابراج سنترال بارك', 'difc-central-park-towers'),
    -- Creek Beach
    ('creek beach', 'dubai-creek-harbour-creek-beach'),
    ('كريك بيتش', 'dubai-creek-harbour-creek-beach'),
    -- Al Barsha 1
    ('al barsha 1', 'al-barsha-1'),
    ('البرشاء 1', 'al-barsha-1'),
    ('barsha 1', 'al-barsha-1'),
    ('al barsha first', 'al-barsha-1'),
    -- Al Barsha South
    ('al barsha south', 'al-barsha-south'),
    ('البرشاء جنوب', 'al-barsha-south'),
    ('barsha south', 'al-barsha-south'),
    -- District One
    ('district one', 'mbr-city-district-one'),
    ('ديستركت ون', 'mbr-city-district-one'),
    ('district 1 mbr city', 'mbr-city-district-one')
) AS v (alias, slug)
ON CONFLICT DO NOTHING;

-- +goose Down
DELETE FROM location_aliases WHERE location_id IN
    (SELECT id FROM locations WHERE id = md5('propertypro/location/' || slug)::uuid);
DELETE FROM locations WHERE id = md5('propertypro/location/' || slug)::uuid;

