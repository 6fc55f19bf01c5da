-- The Open edX LMS tables that `coursecerts import_openedx` reads, in MariaDB/MySQL DDL as Django's migrations
-- create them: table and column names, types, nullability and unique keys of the current models.
-- Written by hand from the models (not copied):
--   openedx/edx-platform (renamed openedx/openedx-platform):
--     lms/djangoapps/certificates/models.py                       commit 2579a6d6aca7f65e8dbdda58066f294790808986
--     openedx/core/djangoapps/content/course_overviews/models.py  commit 22eb254bbc0a8d51b5c02079b4140df14d78242b
--     grades PersistentCourseGrade (its Meta and keys read at the stored versions of lms/djangoapps/grades/models.py);
--     student CourseEnrollment, CourseAccessRole, UserProfile, course_modes CourseMode and verify_student's three
--     verification models follow the same platform snapshot as described in the project's Open edX reference.
--   openedx/edx-organizations organizations/models.py              commit c52a9f8579147bc7138b16da67a5a83d9818ba85
-- Columns the import does not read are kept, so that the queries run against the real shape.

CREATE TABLE auth_user (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  password varchar(128) NOT NULL,
  last_login datetime(6) NULL,
  is_superuser tinyint(1) NOT NULL,
  username varchar(150) NOT NULL UNIQUE,
  first_name varchar(150) NOT NULL,
  last_name varchar(150) NOT NULL,
  email varchar(254) NOT NULL,
  is_staff tinyint(1) NOT NULL,
  is_active tinyint(1) NOT NULL,
  date_joined datetime(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE auth_userprofile (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name varchar(255) NOT NULL,
  meta longtext NOT NULL,
  courseware varchar(255) NOT NULL,
  language varchar(255) NOT NULL,
  location varchar(255) NOT NULL,
  year_of_birth int NULL,
  gender varchar(6) NULL,
  level_of_education varchar(6) NULL,
  mailing_address longtext NULL,
  city longtext NULL,
  country varchar(2) NULL,
  state varchar(2) NULL,
  goals longtext NULL,
  bio varchar(3000) NULL,
  profile_image_uploaded_at datetime(6) NULL,
  phone_number varchar(50) NULL,
  user_id int NOT NULL UNIQUE,
  KEY auth_userprofile_name (name),
  CONSTRAINT auth_userprofile_user_id_fk FOREIGN KEY (user_id) REFERENCES auth_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE organizations_organization (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  created datetime(6) NOT NULL,
  modified datetime(6) NOT NULL,
  name varchar(255) NOT NULL,
  short_name varchar(255) NOT NULL UNIQUE,
  description longtext NULL,
  logo varchar(255) NULL,
  active tinyint(1) NOT NULL,
  KEY organizations_organization_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE course_overviews_courseoverview (
  created datetime(6) NOT NULL,
  modified datetime(6) NOT NULL,
  version int NOT NULL,
  id varchar(255) NOT NULL PRIMARY KEY,
  _location varchar(255) NOT NULL,
  org longtext NOT NULL,
  display_name longtext NULL,
  display_number_with_default longtext NOT NULL,
  display_org_with_default longtext NOT NULL,
  start datetime(6) NULL,
  end datetime(6) NULL,
  start_date datetime(6) NULL,
  end_date datetime(6) NULL,
  advertised_start longtext NULL,
  announcement datetime(6) NULL,
  banner_image_url longtext NOT NULL,
  course_image_url longtext NOT NULL,
  social_sharing_url longtext NULL,
  end_of_course_survey_url longtext NULL,
  certificates_display_behavior longtext NULL,
  certificates_show_before_end tinyint(1) NOT NULL,
  cert_html_view_enabled tinyint(1) NOT NULL,
  has_any_active_web_certificate tinyint(1) NOT NULL,
  cert_name_short longtext NOT NULL,
  cert_name_long longtext NOT NULL,
  certificate_available_date datetime(6) NULL,
  lowest_passing_grade decimal(5,2) NULL,
  days_early_for_beta double NULL,
  mobile_available tinyint(1) NOT NULL,
  visible_to_staff_only tinyint(1) NOT NULL,
  _pre_requisite_courses_json longtext NOT NULL,
  enrollment_start datetime(6) NULL,
  enrollment_end datetime(6) NULL,
  enrollment_domain longtext NULL,
  invitation_only tinyint(1) NOT NULL,
  max_student_enrollments_allowed int NULL,
  catalog_visibility longtext NULL,
  short_description longtext NULL,
  course_video_url longtext NULL,
  effort longtext NULL,
  complexity varchar(10) NOT NULL,
  faculty longtext NULL,
  directions longtext NULL,
  self_paced tinyint(1) NOT NULL,
  marketing_url longtext NULL,
  eligible_for_financial_aid tinyint(1) NOT NULL,
  has_highlights tinyint(1) NULL,
  enable_proctored_exams tinyint(1) NOT NULL,
  proctoring_provider longtext NULL,
  proctoring_escalation_email longtext NULL,
  allow_proctoring_opt_out tinyint(1) NOT NULL,
  entrance_exam_enabled tinyint(1) NOT NULL,
  entrance_exam_id varchar(255) NOT NULL,
  entrance_exam_minimum_score_pct double NOT NULL,
  force_on_flexible_peer_openassessments tinyint(1) NOT NULL,
  external_id varchar(128) NULL,
  language longtext NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE course_modes_coursemode (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  course_id varchar(255) NOT NULL,
  mode_slug varchar(100) NOT NULL,
  mode_display_name varchar(255) NOT NULL,
  min_price int NOT NULL,
  currency varchar(8) NOT NULL,
  expiration_datetime datetime(6) NULL,
  expiration_datetime_is_explicit tinyint(1) NOT NULL,
  suggested_prices varchar(255) NOT NULL,
  description longtext NULL,
  sku varchar(255) NULL,
  android_sku varchar(255) NULL,
  ios_sku varchar(255) NULL,
  bulk_sku varchar(255) NULL,
  UNIQUE KEY course_modes_coursemode_course_id_mode_slug_currency (course_id, mode_slug, currency)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE student_courseenrollment (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  course_id varchar(255) NOT NULL,
  created datetime(6) NULL,
  is_active tinyint(1) NOT NULL,
  mode varchar(100) NOT NULL,
  user_id int NOT NULL,
  UNIQUE KEY student_courseenrollment_user_id_course_id (user_id, course_id),
  KEY student_courseenrollment_course_id (course_id),
  KEY student_courseenrollment_created (created),
  CONSTRAINT student_courseenrollment_user_id_fk FOREIGN KEY (user_id) REFERENCES auth_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE student_courseaccessrole (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  org varchar(64) NOT NULL,
  course_id varchar(255) NOT NULL,
  role varchar(64) NOT NULL,
  user_id int NOT NULL,
  UNIQUE KEY student_courseaccessrole_user_id_org_course_id_role (user_id, org, course_id, role),
  KEY student_courseaccessrole_org (org),
  KEY student_courseaccessrole_course_id (course_id),
  KEY student_courseaccessrole_role (role),
  CONSTRAINT student_courseaccessrole_user_id_fk FOREIGN KEY (user_id) REFERENCES auth_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE grades_persistentcoursegrade (
  created datetime(6) NOT NULL,
  modified datetime(6) NOT NULL,
  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id int NOT NULL,
  course_id varchar(255) NOT NULL,
  course_edited_timestamp datetime(6) NULL,
  course_version varchar(255) NOT NULL,
  grading_policy_hash varchar(255) NOT NULL,
  percent_grade double NOT NULL,
  letter_grade varchar(255) NOT NULL,
  passed_timestamp datetime(6) NULL,
  UNIQUE KEY grades_persistentcoursegrade_course_id_user_id (course_id, user_id),
  KEY grades_persistentcoursegrade_user_id (user_id),
  KEY grades_persistentcoursegrade_passed_timestamp_course_id (passed_timestamp, course_id),
  KEY grades_persistentcoursegrade_modified_course_id (modified, course_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE verify_student_softwaresecurephotoverification (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  status varchar(100) NOT NULL,
  status_changed datetime(6) NOT NULL,
  name varchar(255) NOT NULL,
  face_image_url varchar(255) NOT NULL,
  photo_id_image_url varchar(255) NOT NULL,
  receipt_id varchar(255) NOT NULL,
  created_at datetime(6) NOT NULL,
  updated_at datetime(6) NOT NULL,
  display tinyint(1) NOT NULL,
  submitted_at datetime(6) NULL,
  reviewing_service varchar(255) NOT NULL,
  error_msg longtext NOT NULL,
  error_code varchar(50) NOT NULL,
  photo_id_key longtext NOT NULL,
  expiration_date datetime(6) NULL,
  copy_id_photo_from_id int NULL,
  reviewing_user_id int NULL,
  user_id int NOT NULL,
  KEY verify_student_sspv_created_at (created_at),
  KEY verify_student_sspv_updated_at (updated_at),
  KEY verify_student_sspv_expiration_date (expiration_date),
  KEY verify_student_sspv_user_id (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE verify_student_manualverification (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  status varchar(100) NOT NULL,
  status_changed datetime(6) NOT NULL,
  name varchar(255) NOT NULL,
  created_at datetime(6) NOT NULL,
  updated_at datetime(6) NOT NULL,
  reason varchar(255) NOT NULL,
  expiration_date datetime(6) NULL,
  user_id int NOT NULL,
  KEY verify_student_manualverification_user_id (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE verify_student_ssoverification (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  status varchar(100) NOT NULL,
  status_changed datetime(6) NOT NULL,
  name varchar(255) NOT NULL,
  created_at datetime(6) NOT NULL,
  updated_at datetime(6) NOT NULL,
  identity_provider_type varchar(100) NOT NULL,
  identity_provider_slug varchar(30) NOT NULL,
  expiration_date datetime(6) NULL,
  user_id int NOT NULL,
  KEY verify_student_ssoverification_user_id (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE certificates_generatedcertificate (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  course_id varchar(255) NOT NULL,
  verify_uuid varchar(32) NOT NULL,
  download_uuid varchar(32) NOT NULL,
  download_url varchar(128) NOT NULL,
  grade varchar(5) NOT NULL,
  `key` varchar(32) NOT NULL,
  distinction tinyint(1) NOT NULL,
  status varchar(32) NOT NULL,
  mode varchar(32) NOT NULL,
  name varchar(255) NOT NULL,
  created_date datetime(6) NOT NULL,
  modified_date datetime(6) NOT NULL,
  error_reason varchar(512) NOT NULL,
  user_id int NOT NULL,
  UNIQUE KEY certificates_generatedcertificate_user_id_course_id (user_id, course_id),
  KEY certificates_generatedcertificate_verify_uuid (verify_uuid),
  CONSTRAINT certificates_generatedcertificate_user_id_fk FOREIGN KEY (user_id) REFERENCES auth_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE certificates_certificateallowlist (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  created datetime(6) NOT NULL,
  modified datetime(6) NOT NULL,
  course_id varchar(255) NOT NULL,
  allowlist tinyint(1) NOT NULL,
  notes longtext NULL,
  user_id int NOT NULL,
  UNIQUE KEY certificates_certificateallowlist_course_id_user_id (course_id, user_id),
  CONSTRAINT certificates_certificateallowlist_user_id_fk FOREIGN KEY (user_id) REFERENCES auth_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE certificates_certificateinvalidation (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  created datetime(6) NOT NULL,
  modified datetime(6) NOT NULL,
  notes longtext NULL,
  active tinyint(1) NOT NULL,
  generated_certificate_id int NOT NULL,
  invalidated_by_id int NOT NULL,
  CONSTRAINT certificates_certificateinvalidation_gc_fk FOREIGN KEY (generated_certificate_id)
    REFERENCES certificates_generatedcertificate (id),
  CONSTRAINT certificates_certificateinvalidation_by_fk FOREIGN KEY (invalidated_by_id) REFERENCES auth_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE certificates_certificatedateoverride (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  created datetime(6) NOT NULL,
  modified datetime(6) NOT NULL,
  date datetime(6) NOT NULL,
  reason longtext NOT NULL,
  generated_certificate_id int NOT NULL UNIQUE,
  overridden_by_id int NOT NULL,
  CONSTRAINT certificates_certificatedateoverride_gc_fk FOREIGN KEY (generated_certificate_id)
    REFERENCES certificates_generatedcertificate (id),
  CONSTRAINT certificates_certificatedateoverride_by_fk FOREIGN KEY (overridden_by_id) REFERENCES auth_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE certificates_certificategenerationcoursesetting (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  created datetime(6) NOT NULL,
  modified datetime(6) NOT NULL,
  course_key varchar(255) NOT NULL,
  self_generation_enabled tinyint(1) NOT NULL,
  language_specific_templates_enabled tinyint(1) NOT NULL,
  include_hours_of_effort tinyint(1) NULL,
  KEY certificates_certificategenerationcoursesetting_course_key (course_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE certificates_certificatetemplate (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  created datetime(6) NOT NULL,
  modified datetime(6) NOT NULL,
  name varchar(255) NOT NULL,
  description varchar(255) NULL,
  template longtext NOT NULL,
  organization_id int NULL,
  course_key varchar(255) NULL,
  mode varchar(125) NULL,
  is_active tinyint(1) NOT NULL,
  language varchar(2) NULL,
  UNIQUE KEY certificates_certificatetemplate_org_course_mode_language (organization_id, course_key, mode, language),
  KEY certificates_certificatetemplate_organization_id (organization_id),
  KEY certificates_certificatetemplate_course_key (course_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE certificates_certificatehtmlviewconfiguration (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  change_date datetime(6) NOT NULL,
  enabled tinyint(1) NOT NULL,
  configuration longtext NOT NULL,
  changed_by_id int NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
