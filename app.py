"""The application factory: configuration, extensions, blueprints, errors and CLI."""

from flask import Flask

import models  # noqa: F401  (registers every table with SQLAlchemy)
from blueprints.activities import bp as activities_bp
from blueprints.admin import bp as admin_bp
from blueprints.auth import bp as auth_bp
from blueprints.auth.session import register_login
from blueprints.authoring import bp as authoring_bp
from blueprints.certificates import bp as certificates_bp
from blueprints.common.converters import IdConverter
from blueprints.common.tenant import register_tenancy
from blueprints.content_files import bp as content_files_bp
from blueprints.errors import register_error_handlers
from blueprints.halfyear import bp as halfyear_bp
from blueprints.indicators import bp as indicators_bp
from blueprints.jobs import bp as jobs_bp
from blueprints.learn import bp as learn_bp
from blueprints.posters import bp as posters_bp
from blueprints.province import bp as province_bp
from blueprints.recognition import bp as recognition_bp
from blueprints.reports import bp as reports_bp
from blueprints.science import bp as science_bp
from blueprints.staff import bp as staff_bp
from blueprints.survey_results import bp as survey_results_bp
from blueprints.units import bp as units_bp
from commands import register_commands
from config import Config, TestingConfig, check_secret_key
from database import configure_engine
from deployment import configure_deployment
from extensions import babel, compress, csrf, db, limiter, migrate
from i18n import register_i18n
from security_headers import register_security_headers
from services.common.vocabulary import register_vocabulary
from services.org import tenancy
from services.org.settings import register_settings
from services.reporting import submissions
from unit_of_work import register_unit_of_work


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides settings (tests pass theirs here)."""
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = IdConverter
    app.config.from_object(TestingConfig if (config or {}).get("TESTING") else Config)
    if config:
        app.config.update(config)
    check_secret_key(app.config)

    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    register_i18n(app, babel)
    register_login(app)
    register_settings(app)
    register_vocabulary(app)
    tenancy.install()
    submissions.install()
    register_tenancy(app)
    with app.app_context():
        configure_engine(db.engine)

    app.register_blueprint(learn_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(posters_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(indicators_bp)
    app.register_blueprint(activities_bp)
    app.register_blueprint(halfyear_bp)
    app.register_blueprint(recognition_bp)
    app.register_blueprint(science_bp)
    app.register_blueprint(units_bp)
    app.register_blueprint(authoring_bp)
    app.register_blueprint(content_files_bp)
    app.register_blueprint(survey_results_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(province_bp)
    register_error_handlers(app)
    register_unit_of_work(app)
    register_commands(app)
    register_security_headers(app)
    configure_deployment(app)
    return app
