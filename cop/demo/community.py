"""The fictional demo network: organizations and the people in them."""

from __future__ import annotations

ORGANIZATIONS = [
    # ------------------------------------------------------------------ facilitator
    {
        "name": "Northbridge Talent Collaborative",
        "kind": "facilitator",
        "subtype": None,
        "industry": "Workforce Development",
        "region": "Tri-River Region — Riverside",
        "size_band": "1-49",
        "website": "https://northbridge.example",
        "description": (
            "Northbridge Talent Collaborative is a regional intermediary that helps "
            "Tri-River employers build and sustain work-based learning for high-school "
            "and college students. We convene employers, colleges, schools and community "
            "partners, share what works, and handle the coordination that no single "
            "company has time for. Our employer community of practice has met monthly since 2019."
        ),
    },
    # ------------------------------------------------------------------ member companies
    {
        "name": "Halvorsen Precision Machining",
        "kind": "member_company",
        "subtype": None,
        "industry": "Advanced Manufacturing",
        "region": "Tri-River Region — North County",
        "size_band": "250-999",
        "website": "https://halvorsen-precision.example",
        "description": (
            "Halvorsen Precision Machining is a family-owned contract manufacturer producing "
            "tight-tolerance CNC components for medical device, agricultural and defense "
            "customers from two plants in North County. Our registered CNC machinist "
            "apprenticeship has run since 2014 and now brings on eight to ten youth "
            "apprentices from local high schools each summer."
        ),
    },
    {
        "name": "Crestline Fabrication",
        "kind": "member_company",
        "subtype": None,
        "industry": "Advanced Manufacturing",
        "region": "Tri-River Region — Eastfield",
        "size_band": "50-249",
        "website": "https://crestlinefab.example",
        "description": (
            "Crestline Fabrication builds custom structural steel, enclosures and welded "
            "assemblies for commercial construction and equipment makers across the region. "
            "We are a 140-person shop that has always hired welders off the street and is "
            "now piloting a paid summer welding internship with two Eastfield high schools."
        ),
    },
    {
        "name": "Meridian Aerospace Components",
        "kind": "member_company",
        "subtype": None,
        "industry": "Advanced Manufacturing",
        "region": "Tri-River Region — Harbor District",
        "size_band": "1000-4999",
        "website": "https://meridian-aero.example",
        "description": (
            "Meridian Aerospace Components manufactures machined and composite structural "
            "parts for commercial and business aircraft programs. Our Harbor District campus "
            "employs about 1,800 people across machining, composites, quality and engineering. "
            "We run a year-round co-op program with area engineering schools and a two-year "
            "quality technician apprenticeship launched in 2021."
        ),
    },
    {
        "name": "Riverbend Health System",
        "kind": "member_company",
        "subtype": None,
        "industry": "Healthcare",
        "region": "Tri-River Region — Riverside",
        "size_band": "5000+",
        "website": "https://riverbendhealth.example",
        "description": (
            "Riverbend Health System is a nonprofit health system with three hospitals, "
            "twenty-two clinics and a home health division serving the Tri-River Region. "
            "Our Health Careers Academy has offered job shadows, paid patient care technician "
            "internships and a nursing assistant pathway for high-school juniors and seniors "
            "for more than a decade."
        ),
    },
    {
        "name": "Lakeshore Senior Living",
        "kind": "member_company",
        "subtype": None,
        "industry": "Healthcare",
        "region": "Tri-River Region — Harbor District",
        "size_band": "250-999",
        "website": "https://lakeshoreliving.example",
        "description": (
            "Lakeshore Senior Living operates four communities offering independent living, "
            "assisted living and memory care along the Harbor District lakefront. We started "
            "a CNA earn-and-learn program with Eastfield Community College in 2023 and are "
            "working on a dietary and life-enrichment internship for high-school students."
        ),
    },
    {
        "name": "Summit Pediatric Partners",
        "kind": "member_company",
        "subtype": None,
        "industry": "Healthcare",
        "region": "Tri-River Region — South Valley",
        "size_band": "50-249",
        "website": "https://summitpeds.example",
        "description": (
            "Summit Pediatric Partners is an independent pediatric practice with five offices "
            "in South Valley and Riverside, caring for children from newborns through age 21. "
            "We are exploring a medical assistant job-shadow and internship pathway and hosted "
            "our first small group of student shadows this spring."
        ),
    },
    {
        "name": "Bluepine Software",
        "kind": "member_company",
        "subtype": None,
        "industry": "Information Technology",
        "region": "Tri-River Region — Riverside",
        "size_band": "250-999",
        "website": "https://bluepine.example",
        "description": (
            "Bluepine Software builds scheduling and field-service software used by utilities "
            "and municipal public works departments. Our downtown Riverside office houses most "
            "of our engineering, product and support teams. Our paid summer software internship "
            "for college students is in its sixth year, and we added a high-school track in 2023."
        ),
    },
    {
        "name": "Ironwood Data Systems",
        "kind": "member_company",
        "subtype": None,
        "industry": "Information Technology",
        "region": "Tri-River Region — Eastfield",
        "size_band": "50-249",
        "website": "https://ironwooddata.example",
        "description": (
            "Ironwood Data Systems provides managed IT, network and cybersecurity services to "
            "small and mid-sized businesses, clinics and school districts across the region. "
            "We are piloting an IT support apprenticeship built around the help desk, with our "
            "first two apprentices starting after completing a CompTIA A+ course at Forge Skills Institute."
        ),
    },
    {
        "name": "Cascade Cloud Services",
        "kind": "member_company",
        "subtype": None,
        "industry": "Information Technology",
        "region": "Tri-River Region — North County",
        "size_band": "1000-4999",
        "website": "https://cascadecloud.example",
        "description": (
            "Cascade Cloud Services operates data center and cloud hosting facilities, "
            "including a large North County campus opened in 2020. We employ data center "
            "technicians, network engineers and facilities staff around the clock. We are "
            "exploring a data center technician apprenticeship and want to learn from "
            "employers who have built one."
        ),
    },
    {
        "name": "Granite Mutual Insurance",
        "kind": "member_company",
        "subtype": None,
        "industry": "Financial Services",
        "region": "Tri-River Region — Riverside",
        "size_band": "1000-4999",
        "website": "https://granitemutual.example",
        "description": (
            "Granite Mutual Insurance is a policyholder-owned property and casualty insurer "
            "headquartered in Riverside, writing home, auto and small-business coverage in "
            "six states. Our summer internship rotates college students through claims, "
            "underwriting and analytics, and we launched a claims associate apprenticeship "
            "for recent high-school graduates in 2022."
        ),
    },
    {
        "name": "Harborview Credit Union",
        "kind": "member_company",
        "subtype": None,
        "industry": "Financial Services",
        "region": "Tri-River Region — Harbor District",
        "size_band": "250-999",
        "website": "https://harborview.example",
        "description": (
            "Harborview Credit Union is a member-owned credit union with fourteen branches "
            "serving families and small businesses in the Harbor District and Riverside. "
            "We have run student-staffed branches inside two high schools since 2016, and "
            "many of those students go on to paid teller internships with us."
        ),
    },
    {
        "name": "Keystone Bancorp",
        "kind": "member_company",
        "subtype": None,
        "industry": "Financial Services",
        "region": "Tri-River Region — Riverside",
        "size_band": "1000-4999",
        "website": "https://keystonebancorp.example",
        "description": (
            "Keystone Bancorp is a regional bank holding company offering commercial, retail "
            "and wealth management services through more than forty locations. Our ten-week "
            "summer analyst program for college students is well established; this year we are "
            "piloting job shadows in operations and IT for students from Maple Valley high schools."
        ),
    },
    {
        "name": "Tallgrass Mechanical Contractors",
        "kind": "member_company",
        "subtype": None,
        "industry": "Construction and Skilled Trades",
        "region": "Tri-River Region — South Valley",
        "size_band": "250-999",
        "website": "https://tallgrassmech.example",
        "description": (
            "Tallgrass Mechanical Contractors designs, installs and services HVAC, plumbing "
            "and process piping systems for hospitals, schools and industrial clients. We "
            "sponsor registered apprenticeships for pipefitters and HVAC service technicians "
            "and have run a pre-apprenticeship summer program with South Valley high schools since 2017."
        ),
    },
    {
        "name": "Brightwater Builders",
        "kind": "member_company",
        "subtype": None,
        "industry": "Construction and Skilled Trades",
        "region": "Tri-River Region — Eastfield",
        "size_band": "50-249",
        "website": "https://brightwaterbuilders.example",
        "description": (
            "Brightwater Builders is a general contractor specializing in multifamily housing "
            "and light commercial projects in Eastfield and Riverside. We self-perform carpentry "
            "and concrete work with our own crews. We are piloting a summer construction "
            "internship where students rotate between a jobsite crew and our project management office."
        ),
    },
    {
        "name": "Prairie Line Logistics",
        "kind": "member_company",
        "subtype": None,
        "industry": "Logistics and Transportation",
        "region": "Tri-River Region — South Valley",
        "size_band": "1000-4999",
        "website": "https://prairieline.example",
        "description": (
            "Prairie Line Logistics runs third-party warehousing and distribution for retail "
            "and consumer goods brands from three South Valley facilities. Our operations rely "
            "on warehouse technicians, maintenance mechanics and supervisors. We launched an "
            "industrial maintenance apprenticeship in 2022 and host warehouse operations "
            "internships for students in the Maple Valley logistics pathway."
        ),
    },
    {
        "name": "Northstar Freight",
        "kind": "member_company",
        "subtype": None,
        "industry": "Logistics and Transportation",
        "region": "Tri-River Region — North County",
        "size_band": "250-999",
        "website": "https://northstarfreight.example",
        "description": (
            "Northstar Freight is a regional truckload and dedicated fleet carrier based in "
            "North County, with a terminal and diesel shop serving customers across the Midwest. "
            "We are exploring a diesel technician youth apprenticeship and a dispatch internship "
            "to get ahead of retirements in our shop and operations teams."
        ),
    },
    {
        "name": "Pioneer Electric Cooperative",
        "kind": "member_company",
        "subtype": None,
        "industry": "Energy and Utilities",
        "region": "Tri-River Region — North County",
        "size_band": "50-249",
        "website": "https://pioneerelectric.example",
        "description": (
            "Pioneer Electric Cooperative is a member-owned rural electric cooperative "
            "delivering power to about 28,000 homes, farms and businesses across North County "
            "and South Valley. For years we have hosted lineworker job shadows for local "
            "students, and we are now working with Eastfield Community College on a paid "
            "summer internship that feeds our lineworker apprenticeship."
        ),
    },
    # ------------------------------------------------------------------ training providers
    {
        "name": "Eastfield Community College",
        "kind": "training_provider",
        "subtype": "community_college",
        "industry": "Education",
        "region": "Tri-River Region — Eastfield",
        "size_band": "1000-4999",
        "website": "https://eastfield.example",
        "description": (
            "Eastfield Community College serves about 14,000 credit and noncredit students "
            "each year from its main campus and two regional centers. We offer associate "
            "degrees and short-term certificates in nursing, welding, mechatronics, IT and "
            "business, and provide related technical instruction for a dozen registered "
            "apprenticeship programs, including several run by employers in this community."
        ),
    },
    {
        "name": "Forge Skills Institute",
        "kind": "training_provider",
        "subtype": "credential_provider",
        "industry": "Workforce Development",
        "region": "Tri-River Region — Riverside",
        "size_band": "1-49",
        "website": "https://forgeskills.example",
        "description": (
            "Forge Skills Institute is a nonprofit training provider offering short, "
            "industry-recognized credential programs in IT support, CNC operation, forklift "
            "and warehouse safety, and OSHA 10 and 30. Most cohorts run six to twelve weeks "
            "and are designed with employer partners, several of whom hire graduates directly "
            "into apprenticeships."
        ),
    },
    {
        "name": "Beacon Hybrid College",
        "kind": "training_provider",
        "subtype": "hybrid_college",
        "industry": "Education",
        "region": "Tri-River Region — Harbor District",
        "size_band": "1-49",
        "website": "https://beaconcollege.example",
        "description": (
            "Beacon Hybrid College is a new, competency-based college where students earn an "
            "associate degree while working in paid roles at partner employers. Learning is "
            "built around real work: students demonstrate competencies on the job, with coaching "
            "from Beacon faculty and workplace mentors. Our first cohort of 40 students started "
            "in fall 2024 with six employer partners."
        ),
    },
    # ------------------------------------------------------------------ education partners
    {
        "name": "Maple Valley Unified School District",
        "kind": "education_partner",
        "subtype": "district",
        "industry": "Education",
        "region": "Tri-River Region — South Valley",
        "size_band": "1000-4999",
        "website": "https://maplevalleyusd.example",
        "description": (
            "Maple Valley Unified School District serves about 18,000 students in South Valley "
            "and parts of Eastfield across four comprehensive high schools and a career center. "
            "Our career pathways in health sciences, manufacturing, IT, business and logistics "
            "place more than 600 students a year in job shadows and internships with local employers."
        ),
    },
    {
        "name": "Lincoln Early College High School",
        "kind": "education_partner",
        "subtype": "school",
        "industry": "Education",
        "region": "Tri-River Region — Riverside",
        "size_band": "1-49",
        "website": "https://lincolnechs.example",
        "description": (
            "Lincoln Early College High School is a small public high school in Riverside where "
            "students can earn up to 60 college credits through Eastfield Community College "
            "before graduating. Every senior completes a semester-long internship, and we are "
            "always looking for new employer hosts in healthcare, IT and business."
        ),
    },
    # ------------------------------------------------------------------ community organization
    {
        "name": "Pathways Youth Alliance",
        "kind": "community_organization",
        "subtype": None,
        "industry": "Nonprofit",
        "region": "Tri-River Region — Harbor District",
        "size_band": "1-49",
        "website": "https://pathwaysyouth.example",
        "description": (
            "Pathways Youth Alliance is a community nonprofit that helps young people ages 16 "
            "to 24 in the Harbor District and Riverside find their first jobs. We run a summer "
            "youth employment program, provide work-readiness training, and offer transportation "
            "help and coaching so that students can succeed in employer internships."
        ),
    },
    # ------------------------------------------------------------------ sponsor
    {
        "name": "Hartwell Family Foundation",
        "kind": "sponsor",
        "subtype": None,
        "industry": "Philanthropy",
        "region": "Tri-River Region — Riverside",
        "size_band": "1-49",
        "website": "https://hartwellfoundation.example",
        "description": (
            "The Hartwell Family Foundation is a private foundation investing in economic "
            "mobility across the Tri-River Region. Our grantmaking focuses on career pathways, "
            "adult education and small-business growth. We fund the Northbridge employer "
            "community of practice and student wage subsidies for first-time internship hosts."
        ),
    },
]


PEOPLE = [
    # ------------------------------------------------------------------ Northbridge Talent Collaborative
    {
        "name": "Dana Whitfield",
        "email": "dana.whitfield@northbridge.example",
        "organization": "Northbridge Talent Collaborative",
        "role": "facilitator",
        "title": "Community Director",
        "bio": (
            "Dana leads the Northbridge employer community of practice and plans its monthly "
            "sessions and site visits. She spent twelve years running youth apprenticeship "
            "programs before joining Northbridge."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Rafael Ortega",
        "email": "rafael.ortega@northbridge.example",
        "organization": "Northbridge Talent Collaborative",
        "role": "facilitator",
        "title": "Employer Engagement Manager",
        "bio": (
            "I work directly with member companies to design internships and apprenticeships, "
            "from writing the first job description to matching students with schools. "
            "Before this I was an HR manager at a food processing plant."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Priya Raman",
        "email": "priya.raman@northbridge.example",
        "organization": "Northbridge Talent Collaborative",
        "role": "facilitator",
        "title": "Learning and Evaluation Lead",
        "bio": (
            "Priya collects and shares what members learn, runs the annual program survey, and "
            "helps employers track retention and conversion from internships to hires."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Halvorsen Precision Machining
    {
        "name": "Karen Lindqvist",
        "email": "karen.lindqvist@halvorsen-precision.example",
        "organization": "Halvorsen Precision Machining",
        "role": "manager",
        "title": "Plant Manager",
        "bio": (
            "I run our North County plant and have championed our youth apprenticeship since "
            "the first cohort in 2014. Four of our current lead machinists started as apprentices."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Tomás Delgado",
        "email": "tomas.delgado@halvorsen-precision.example",
        "organization": "Halvorsen Precision Machining",
        "role": "member",
        "title": "Apprenticeship Coordinator",
        "bio": (
            "Tomás recruits apprentices, schedules their shop rotations and related instruction "
            "at Eastfield, and trains our journeyworker mentors. He completed the apprenticeship himself in 2016."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Jada Freeman",
        "email": "jada.freeman@halvorsen-precision.example",
        "organization": "Halvorsen Precision Machining",
        "role": "member",
        "title": "HR Generalist",
        "bio": (
            "I handle onboarding, work permits and payroll setup for our minor-age apprentices "
            "and keep us on the right side of child labor rules for shop work."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Crestline Fabrication
    {
        "name": "Mike Brennan",
        "email": "mike.brennan@crestlinefab.example",
        "organization": "Crestline Fabrication",
        "role": "manager",
        "title": "Operations Manager",
        "bio": (
            "Mike oversees production and the weld shop at Crestline. He pushed for the summer "
            "welding internship after two years of struggling to fill entry-level welder openings."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Lori Nguyen",
        "email": "lori.nguyen@crestlinefab.example",
        "organization": "Crestline Fabrication",
        "role": "member",
        "title": "HR Business Partner",
        "bio": (
            "I'm building our internship program from scratch: school outreach, interviews, "
            "safety onboarding and mentor check-ins. I'm here to borrow what's already working elsewhere."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Meridian Aerospace Components
    {
        "name": "Samantha Okoye",
        "email": "samantha.okoye@meridian-aero.example",
        "organization": "Meridian Aerospace Components",
        "role": "manager",
        "title": "Director of Talent Development",
        "bio": (
            "Samantha leads training, co-ops and apprenticeships across Meridian's Harbor "
            "District campus and sits on the Eastfield Community College manufacturing advisory board."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Derek Hollis",
        "email": "derek.hollis@meridian-aero.example",
        "organization": "Meridian Aerospace Components",
        "role": "member",
        "title": "Quality Engineering Manager",
        "bio": (
            "I designed the competency checklist for our quality technician apprenticeship and "
            "mentor two apprentices a year in inspection and measurement."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Ana Ruiz",
        "email": "ana.ruiz@meridian-aero.example",
        "organization": "Meridian Aerospace Components",
        "role": "member",
        "title": "Early Talent Program Manager",
        "bio": (
            "Ana runs Meridian's engineering co-op program, from campus recruiting through "
            "return offers, and is working to open more co-op seats to community college students."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Riverbend Health System
    {
        "name": "Latoya Jenkins",
        "email": "latoya.jenkins@riverbendhealth.example",
        "organization": "Riverbend Health System",
        "role": "manager",
        "title": "Director of Workforce Partnerships",
        "bio": (
            "Latoya leads Riverbend's Health Careers Academy and its partnerships with schools "
            "and colleges. She started her career as a respiratory therapist."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Kevin O'Malley",
        "email": "kevin.omalley@riverbendhealth.example",
        "organization": "Riverbend Health System",
        "role": "member",
        "title": "Clinical Education Coordinator",
        "bio": (
            "I place high-school students on clinical units for job shadows and patient care "
            "technician internships and make sure unit preceptors know what is expected of them."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Mei Chen",
        "email": "mei.chen@riverbendhealth.example",
        "organization": "Riverbend Health System",
        "role": "member",
        "title": "Nurse Residency Program Manager",
        "bio": (
            "Mei manages Riverbend's new-graduate nurse residency and is connecting it to the "
            "nursing assistant pathway so students have a clear route from high school to RN."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Lakeshore Senior Living
    {
        "name": "Grace Abernathy",
        "email": "grace.abernathy@lakeshoreliving.example",
        "organization": "Lakeshore Senior Living",
        "role": "manager",
        "title": "Executive Director",
        "bio": (
            "Grace oversees Lakeshore's four communities and started the CNA earn-and-learn "
            "program to address chronic staffing gaps on evening and weekend shifts."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Héctor Villalobos",
        "email": "hector.villalobos@lakeshoreliving.example",
        "organization": "Lakeshore Senior Living",
        "role": "member",
        "title": "Director of Nursing",
        "bio": (
            "I supervise the CNA trainees during their clinical hours and pair each one with an "
            "experienced aide. I'm interested in how other employers keep new hires past the first 90 days."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Summit Pediatric Partners
    {
        "name": "Neha Kapoor",
        "email": "neha.kapoor@summitpeds.example",
        "organization": "Summit Pediatric Partners",
        "role": "manager",
        "title": "Practice Administrator",
        "bio": (
            "Neha manages operations for Summit's five offices. She organized the practice's "
            "first job shadow day and is working out how to turn it into a medical assistant internship."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Bluepine Software
    {
        "name": "Jordan Reyes",
        "email": "jordan.reyes@bluepine.example",
        "organization": "Bluepine Software",
        "role": "manager",
        "title": "Head of People",
        "bio": (
            "Jordan leads HR and recruiting at Bluepine and sponsors the internship program at "
            "the executive level. Roughly a third of our junior engineers are former interns."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Alex Kim",
        "email": "alex.kim@bluepine.example",
        "organization": "Bluepine Software",
        "role": "member",
        "title": "Engineering Manager",
        "bio": (
            "I manage a product engineering team and scope the real projects our interns ship "
            "each summer. I also coach our engineers on how to mentor someone new to professional coding."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Tasha Brooks",
        "email": "tasha.brooks@bluepine.example",
        "organization": "Bluepine Software",
        "role": "member",
        "title": "Early Talent Program Manager",
        "bio": (
            "Tasha runs day-to-day operations for the college and high-school internship tracks, "
            "including recruiting from Lincoln Early College and Eastfield's IT program."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Ironwood Data Systems
    {
        "name": "Brian Kowalski",
        "email": "brian.kowalski@ironwooddata.example",
        "organization": "Ironwood Data Systems",
        "role": "manager",
        "title": "Director of Service Delivery",
        "bio": (
            "Brian runs Ironwood's help desk and field technician teams and is the sponsor for "
            "our IT support apprenticeship pilot."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Fatima Haddad",
        "email": "fatima.haddad@ironwooddata.example",
        "organization": "Ironwood Data Systems",
        "role": "member",
        "title": "Talent Acquisition Partner",
        "bio": (
            "I recruit for technical roles at Ironwood and coordinate with Forge Skills Institute "
            "on which graduates are a good fit for the apprenticeship."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Cascade Cloud Services
    {
        "name": "Owen Park",
        "email": "owen.park@cascadecloud.example",
        "organization": "Cascade Cloud Services",
        "role": "manager",
        "title": "Director of Technical Training",
        "bio": (
            "Owen builds training programs for Cascade's data center technicians across several "
            "sites. He joined the community to learn how other employers structured their "
            "apprenticeships before Cascade commits to one."
        ),
        "timezone": "America/Denver",
    },
    # ------------------------------------------------------------------ Granite Mutual Insurance
    {
        "name": "Rebecca Sato",
        "email": "rebecca.sato@granitemutual.example",
        "organization": "Granite Mutual Insurance",
        "role": "manager",
        "title": "Early Talent Program Manager",
        "bio": (
            "Rebecca manages Granite Mutual's summer internship and the claims associate "
            "apprenticeship, and tracks how many participants are still with the company after two years."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Chris Adeyemi",
        "email": "chris.adeyemi@granitemutual.example",
        "organization": "Granite Mutual Insurance",
        "role": "member",
        "title": "Claims Operations Supervisor",
        "bio": (
            "I supervise a team of property claims adjusters and host two apprentices each year. "
            "I've learned a lot about breaking complex claims work into teachable pieces."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Harborview Credit Union
    {
        "name": "Denise Carter",
        "email": "denise.carter@harborview.example",
        "organization": "Harborview Credit Union",
        "role": "manager",
        "title": "VP, Human Resources",
        "bio": (
            "Denise leads HR at Harborview and oversees the in-school branch program and teller "
            "internships. She worked her way up from teller herself."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Marcus Bell",
        "email": "marcus.bell@harborview.example",
        "organization": "Harborview Credit Union",
        "role": "member",
        "title": "Branch Manager, Riverside",
        "bio": (
            "I manage our Riverside branch and mentor the student interns who come to us from "
            "the in-school branches. I'm focused on giving them real member-facing work, not just filing."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Keystone Bancorp
    {
        "name": "Paul Whitaker",
        "email": "paul.whitaker@keystonebancorp.example",
        "organization": "Keystone Bancorp",
        "role": "manager",
        "title": "SVP, Human Resources",
        "bio": (
            "Paul leads human resources for Keystone and sponsors the bank's summer analyst "
            "program and its new high-school job shadow pilot."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Ingrid Solberg",
        "email": "ingrid.solberg@keystonebancorp.example",
        "organization": "Keystone Bancorp",
        "role": "member",
        "title": "Learning and Development Specialist",
        "bio": (
            "Ingrid designs the training curriculum for summer analysts and is building the "
            "agenda for the operations and IT job shadows with Maple Valley schools."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Jamal Wright",
        "email": "jamal.wright@keystonebancorp.example",
        "organization": "Keystone Bancorp",
        "role": "member",
        "title": "Commercial Credit Analyst",
        "bio": (
            "I went through Keystone's summer analyst program in 2021 and was hired full time "
            "after graduation. Now I help interview candidates and serve as a peer mentor."
        ),
        "timezone": "America/New_York",
    },
    # ------------------------------------------------------------------ Tallgrass Mechanical Contractors
    {
        "name": "Dale Hutchins",
        "email": "dale.hutchins@tallgrassmech.example",
        "organization": "Tallgrass Mechanical Contractors",
        "role": "manager",
        "title": "President",
        "bio": (
            "Dale started at Tallgrass as a pipefitter apprentice and now runs the company. He "
            "sees the pre-apprenticeship program as the best recruiting tool the company has."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Ray Dominguez",
        "email": "ray.dominguez@tallgrassmech.example",
        "organization": "Tallgrass Mechanical Contractors",
        "role": "member",
        "title": "Apprenticeship Coordinator",
        "bio": (
            "I manage about 45 registered apprentices: tracking on-the-job hours, scheduling "
            "classroom instruction and placing them with foremen who want to teach."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Brightwater Builders
    {
        "name": "Nicole Ferraro",
        "email": "nicole.ferraro@brightwaterbuilders.example",
        "organization": "Brightwater Builders",
        "role": "manager",
        "title": "Director of Field Operations",
        "bio": (
            "Nicole oversees Brightwater's superintendents and field crews and is leading the "
            "construction internship pilot, including jobsite safety training for students."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Luis Espinoza",
        "email": "luis.espinoza@brightwaterbuilders.example",
        "organization": "Brightwater Builders",
        "role": "member",
        "title": "Site Superintendent",
        "bio": (
            "I run multifamily jobsites and hosted our first two interns last summer. They "
            "worked with our carpentry crew and sat in on every owner-architect-contractor meeting."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Prairie Line Logistics
    {
        "name": "Travis Olsen",
        "email": "travis.olsen@prairieline.example",
        "organization": "Prairie Line Logistics",
        "role": "manager",
        "title": "Regional Operations Manager",
        "bio": (
            "Travis oversees Prairie Line's three South Valley warehouses. He started the "
            "maintenance apprenticeship after spending a year unable to hire experienced mechanics."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Keisha Morgan",
        "email": "keisha.morgan@prairieline.example",
        "organization": "Prairie Line Logistics",
        "role": "member",
        "title": "HR Business Partner",
        "bio": (
            "I coordinate student internships with the Maple Valley logistics pathway and handle "
            "scheduling so students can work shifts around school."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Northstar Freight
    {
        "name": "Angela Whitehorse",
        "email": "angela.whitehorse@northstarfreight.example",
        "organization": "Northstar Freight",
        "role": "manager",
        "title": "Director of Safety and Training",
        "bio": (
            "Angela leads driver and technician training at Northstar. She is mapping out a "
            "diesel technician youth apprenticeship and wants to hear how others handled "
            "insurance and age limits."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Pioneer Electric Cooperative
    {
        "name": "Gary Lindgren",
        "email": "gary.lindgren@pioneerelectric.example",
        "organization": "Pioneer Electric Cooperative",
        "role": "manager",
        "title": "Manager of Operations",
        "bio": (
            "Gary manages line crews and system operations for the co-op. He has hosted student "
            "job shadows at the line yard for years and is helping design the new summer internship."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Hannah Yoder",
        "email": "hannah.yoder@pioneerelectric.example",
        "organization": "Pioneer Electric Cooperative",
        "role": "member",
        "title": "Member Services and Workforce Coordinator",
        "bio": (
            "I coordinate our school outreach and scholarships, and I'm the day-to-day contact "
            "with Eastfield Community College on the lineworker internship."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Eastfield Community College
    {
        "name": "Yolanda Pierce",
        "email": "yolanda.pierce@eastfield.example",
        "organization": "Eastfield Community College",
        "role": "manager",
        "title": "Dean of Workforce Programs",
        "bio": (
            "Dr. Pierce oversees Eastfield's career-technical and noncredit workforce programs "
            "and the college's role as related-instruction provider for registered apprenticeships."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Sean Gallagher",
        "email": "sean.gallagher@eastfield.example",
        "organization": "Eastfield Community College",
        "role": "member",
        "title": "Employer Partnerships Coordinator",
        "bio": (
            "I help employers build custom training and apprenticeship classes with Eastfield, "
            "and I work out class schedules that fit around production shifts."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Forge Skills Institute
    {
        "name": "Victor Mendes",
        "email": "victor.mendes@forgeskills.example",
        "organization": "Forge Skills Institute",
        "role": "manager",
        "title": "Executive Director",
        "bio": (
            "Victor founded Forge in 2015 to offer short credential programs built with employers. "
            "He cares most about whether graduates are still employed a year later."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Allison Tran",
        "email": "allison.tran@forgeskills.example",
        "organization": "Forge Skills Institute",
        "role": "member",
        "title": "Credential Programs Manager",
        "bio": (
            "I manage Forge's IT support and CNC cohorts, including curriculum updates and "
            "hiring events with employer partners at the end of each cohort."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Beacon Hybrid College
    {
        "name": "Imani Douglas",
        "email": "imani.douglas@beaconcollege.example",
        "organization": "Beacon Hybrid College",
        "role": "manager",
        "title": "Founding Provost",
        "bio": (
            "Imani designed Beacon's competency-based academic model, in which students show "
            "what they have learned through their work at partner employers. She previously led "
            "online programs at a large state university."
        ),
        "timezone": "America/New_York",
    },
    {
        "name": "Nate Sorensen",
        "email": "nate.sorensen@beaconcollege.example",
        "organization": "Beacon Hybrid College",
        "role": "member",
        "title": "Director of Employer Partnerships",
        "bio": (
            "I recruit and support Beacon's employer partners, working with their managers to "
            "define the paid roles students hold and how on-the-job work maps to degree competencies."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Maple Valley Unified School District
    {
        "name": "Teresa Holm",
        "email": "teresa.holm@maplevalleyusd.example",
        "organization": "Maple Valley Unified School District",
        "role": "manager",
        "title": "Director of College and Career Readiness",
        "bio": (
            "Teresa leads Maple Valley's career pathways and work-based learning across four "
            "high schools and the career center, and is the district's main contact for employers."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "David Osei",
        "email": "david.osei@maplevalleyusd.example",
        "organization": "Maple Valley Unified School District",
        "role": "member",
        "title": "Career Pathways Coordinator",
        "bio": (
            "I match students with internship and job shadow hosts, handle permission forms and "
            "transportation, and visit every student at least once during their placement."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Lincoln Early College High School
    {
        "name": "Carmen Ibarra",
        "email": "carmen.ibarra@lincolnechs.example",
        "organization": "Lincoln Early College High School",
        "role": "manager",
        "title": "Principal",
        "bio": (
            "Carmen has led Lincoln since it opened in 2017 and made a senior internship a "
            "graduation requirement for every student."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "William Thompson",
        "email": "william.thompson@lincolnechs.example",
        "organization": "Lincoln Early College High School",
        "role": "member",
        "title": "Internship Coordinator",
        "bio": (
            "I find host employers for about 90 seniors a year and teach the weekly internship "
            "seminar where students reflect on their placements."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Pathways Youth Alliance
    {
        "name": "Monique Harris",
        "email": "monique.harris@pathwaysyouth.example",
        "organization": "Pathways Youth Alliance",
        "role": "manager",
        "title": "Executive Director",
        "bio": (
            "Monique has led Pathways Youth Alliance for eight years and grew the summer youth "
            "employment program from 60 to more than 300 participants."
        ),
        "timezone": "America/Chicago",
    },
    {
        "name": "Eli Rosen",
        "email": "eli.rosen@pathwaysyouth.example",
        "organization": "Pathways Youth Alliance",
        "role": "member",
        "title": "Youth Employment Program Manager",
        "bio": (
            "I run work-readiness workshops and coach young people through their first weeks "
            "on the job, and I'm often the first call when an employer has a concern about an intern."
        ),
        "timezone": "America/Chicago",
    },
    # ------------------------------------------------------------------ Hartwell Family Foundation
    {
        "name": "Eleanor Voss",
        "email": "eleanor.voss@hartwellfoundation.example",
        "organization": "Hartwell Family Foundation",
        "role": "manager",
        "title": "Program Officer, Economic Mobility",
        "bio": (
            "Eleanor manages the foundation's career pathways grants, including support for the "
            "Northbridge community of practice and wage subsidies for first-time internship hosts."
        ),
        "timezone": "America/Chicago",
    },
]
